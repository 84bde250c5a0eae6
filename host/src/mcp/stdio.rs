//! The process's stdin and stdout as async streams for the MCP transport.
//!
//! tokio's own stdin/stdout do every read and write on its blocking thread pool, which costs
//! two thread hand-offs per message. When stdin or stdout is a pipe or a socket (as when an MCP
//! client spawns the server), this module switches that descriptor to non-blocking mode and
//! drives it from tokio's event loop instead. Anything else (a terminal, a file) keeps tokio's
//! streams. stdout stays blocking when it shares its pipe with stderr, whose log writes must
//! never fail with "would block".

use std::io;
use std::os::fd::RawFd;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// stdin as an async reader.
pub fn stdin() -> Box<dyn AsyncRead + Send + Unpin> {
    match Pipe::new(libc::STDIN_FILENO, false) {
        Some(pipe) => Box::new(pipe),
        None => Box::new(tokio::io::stdin()),
    }
}

/// stdout as an async writer.
pub fn stdout() -> Box<dyn AsyncWrite + Send + Unpin> {
    let shared_with_stderr = same_file(libc::STDOUT_FILENO, libc::STDERR_FILENO);
    match (!shared_with_stderr)
        .then(|| Pipe::new(libc::STDOUT_FILENO, true))
        .flatten()
    {
        Some(pipe) => Box::new(pipe),
        None => Box::new(tokio::io::stdout()),
    }
}

/// A borrowed descriptor of this process (0 or 1); never closed by us.
struct Fd(RawFd);

impl std::os::fd::AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// A pipe or socket descriptor in non-blocking mode, registered with tokio.
struct Pipe {
    fd: AsyncFd<Fd>,
}

fn stat(fd: RawFd) -> Option<libc::stat> {
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat only writes into `st`, which is a valid, owned stat buffer.
    (unsafe { libc::fstat(fd, &mut st) } == 0).then_some(st)
}

fn same_file(a: RawFd, b: RawFd) -> bool {
    match (stat(a), stat(b)) {
        (Some(a), Some(b)) => a.st_dev == b.st_dev && a.st_ino == b.st_ino,
        _ => false,
    }
}

impl Pipe {
    fn new(fd: RawFd, writable: bool) -> Option<Self> {
        let kind = stat(fd)?.st_mode & libc::S_IFMT;
        if kind != libc::S_IFIFO && kind != libc::S_IFSOCK {
            return None;
        }
        // SAFETY: fcntl on a descriptor we own for the process's lifetime; only flags change.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
            return None;
        }
        let interest = if writable {
            tokio::io::Interest::WRITABLE
        } else {
            tokio::io::Interest::READABLE
        };
        // SAFETY: descriptors 0 and 1 stay open for the life of the process and nothing else
        // registers them with tokio.
        match unsafe { AsyncFd::register_with_interest(Fd(fd), interest) } {
            Ok(fd) => Some(Self { fd }),
            Err(e) => {
                tracing::debug!("stdio descriptor {fd} stays blocking: {e}");
                // SAFETY: as above; restore the original flags.
                unsafe { libc::fcntl(fd, libc::F_SETFL, flags) };
                None
            }
        }
    }
}

impl AsyncRead for Pipe {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            let mut guard = ready!(self.fd.poll_read_ready(cx))?;
            let unfilled = buf.initialize_unfilled();
            let result = guard.try_io(|fd| {
                // SAFETY: reads at most `unfilled.len()` bytes into memory we own.
                let n = unsafe {
                    libc::read(fd.get_ref().0, unfilled.as_mut_ptr().cast(), unfilled.len())
                };
                if n < 0 {
                    Err(io::Error::last_os_error())
                } else {
                    Ok(n as usize)
                }
            });
            match result {
                Ok(Ok(n)) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }
}

impl AsyncWrite for Pipe {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            let mut guard = ready!(self.fd.poll_write_ready(cx))?;
            let result = guard.try_io(|fd| {
                // SAFETY: writes at most `data.len()` bytes from a slice we borrow.
                let n = unsafe { libc::write(fd.get_ref().0, data.as_ptr().cast(), data.len()) };
                if n < 0 {
                    Err(io::Error::last_os_error())
                } else {
                    Ok(n as usize)
                }
            });
            match result {
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Ok(result) => return Poll::Ready(result),
                Err(_would_block) => continue,
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
