/* A stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 lacks: Rust's standard library
 * on Windows imports ProcessPrng from it. This forwards to RtlGenRandom (SystemFunction036 of
 * advapi32), which Wine has. Used only by .ci/windows-smoke, never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
