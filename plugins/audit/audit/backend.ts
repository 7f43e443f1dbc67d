/**
 * The JSON-lines log backend: events are buffered in memory and appended to the file
 * asynchronously in batches; a full buffer drops events (counted) rather than block requests.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface AuditBackend {
  write(event: object): void;
  /** everything written so far is on its way to the file */
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly dropped: number;
}

export class JsonLinesBackend implements AuditBackend {
  private lines: string[] = [];
  private scheduled = false;
  private tail: Promise<void> = Promise.resolve();
  private stream?: fs.WriteStream;
  private droppedValue = 0;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly bufferSize: number,
    private readonly onError: (err: Error) => void,
  ) {}

  get dropped(): number {
    return this.droppedValue;
  }

  /** create the directory and open the file for appending */
  async open(): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    this.stream = fs.createWriteStream(this.file, { flags: 'a' });
    this.stream.on('error', (err) => this.onError(err));
  }

  write(event: object): void {
    if (this.closed || this.lines.length >= this.bufferSize) {
      this.droppedValue++;
      return;
    }
    this.lines.push(JSON.stringify(event));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  flush(): Promise<void> {
    this.scheduled = false;
    if (this.lines.length > 0 && this.stream) {
      const data = this.lines.join('\n') + '\n';
      this.lines = [];
      const stream = this.stream;
      this.tail = this.tail.then(
        () => new Promise<void>((resolve) => stream.write(data, (err) => (err ? (this.onError(err), resolve()) : resolve()))),
      );
    }
    return this.tail;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    const stream = this.stream;
    this.stream = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
}
