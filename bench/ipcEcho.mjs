// Anchor for bench/runtime.ts: the smallest possible child_process.fork peer.
// It echoes every IPC message back unchanged, so a round trip measures only
// Node's IPC channel (JSON serialization, the pipe, two event-loop turns).
process.on('message', (m) => process.send(m));
