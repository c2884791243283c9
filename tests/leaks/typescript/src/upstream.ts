// Connections to an upstream service, with a keep-alive ping so idle ones are not dropped.

export interface UpstreamConnection {
  id: number;
  host: string;
  sendBuffer: string[];
  lastPing: number;
  open: boolean;
}

let nextId = 0;

export function connect(host: string): UpstreamConnection {
  const sendBuffer = Array.from({ length: 120 }, (_, i) => `frame ${i} for ${host}`.padEnd(64, ' '));
  return { id: ++nextId, host, sendBuffer, lastPing: Date.now(), open: true };
}

export function ping(connection: UpstreamConnection): void {
  connection.lastPing = Date.now();
}
