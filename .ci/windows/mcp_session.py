"""One MCP session over stdio with a server command: initialize, tools/list, one tools/call.

Usage: python3 mcp_session.py <server command...>
Exits 0 when every answer is right; prints what went wrong otherwise. Used by .ci/windows-smoke
to drive the Windows build under Wine.
"""
import json
import subprocess
import sys
import threading

TIMEOUT = 120  # seconds for each answer (the first call compiles nothing, but Wine is slow)


def main():
    server = subprocess.Popen(
        sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sys.stderr
    )
    answers = {}
    lines = []
    ready = threading.Condition()

    def read():
        for raw in server.stdout:
            try:
                message = json.loads(raw)
            except ValueError:
                lines.append(raw)
                continue
            with ready:
                if "id" in message:
                    answers[message["id"]] = message
                ready.notify_all()

    threading.Thread(target=read, daemon=True).start()

    def send(message):
        server.stdin.write((json.dumps(message) + "\n").encode())
        server.stdin.flush()

    def request(id, method, params):
        send({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
        with ready:
            if not ready.wait_for(lambda: id in answers, timeout=TIMEOUT):
                fail(f"no answer to {method} within {TIMEOUT} s")
        answer = answers[id]
        if "error" in answer:
            fail(f"{method} failed: {answer['error']}")
        return answer["result"]

    def fail(why):
        print(f"MCP session: {why}", file=sys.stderr)
        if lines:
            print(f"non-JSON lines on stdout: {lines[:3]}", file=sys.stderr)
        server.kill()
        sys.exit(1)

    init = request(1, "initialize", {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "windows-smoke", "version": "1"},
    })
    if init["serverInfo"]["name"] != "mcp-mikrotik":
        fail(f"unexpected server: {init['serverInfo']}")
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    tools = [t["name"] for t in request(2, "tools/list", {})["tools"]]
    if "mikrotik_get_interfaces" not in tools:
        fail(f"mikrotik_get_interfaces is not listed: {tools}")
    result = request(3, "tools/call", {"name": "mikrotik_get_interfaces", "arguments": {}})
    text = result["content"][0]["text"]
    if result.get("isError") or "ether1" not in text:
        fail(f"unexpected tools/call result: {result}")
    if "structuredContent" not in result:
        fail("tools/call result has no structuredContent")
    server.stdin.close()
    server.wait(timeout=TIMEOUT)
    print(f"MCP session: {len(tools)} tools listed; mikrotik_get_interfaces answered")


main()
