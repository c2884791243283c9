// A per-request upstream connection helper. Leaky: `checkout` starts a keep-alive interval for
// every connection and `release` closes the connection without clearing it, so each request
// leaves a timer behind that holds its connection and send buffer.
import { connect, ping, type UpstreamConnection } from './upstream';

export class UpstreamPool {
  private opened = 0;

  constructor(private readonly host: string, private readonly keepAliveMs: number) {}

  checkout(): UpstreamConnection {
    const connection = connect(this.host);
    this.opened += 1;
    setInterval(() => { if (connection.open) ping(connection); }, this.keepAliveMs); // LEAK: timer
    return connection;
  }

  release(connection: UpstreamConnection): void {
    connection.open = false;
  }

  get totalOpened(): number {
    return this.opened;
  }
}
