import { Zip, ZipPassThrough } from 'fflate';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Writes a zip to disk one entry at a time, so a long sequence never sits in memory. Entries are stored,
 * not deflated: PNG and JSON artefacts are small or already compressed, and storing keeps saving fast.
 */
export class ZipFileWriter {
  private pending: Uint8Array[] = [];
  private failure: Error | undefined;

  private constructor(
    private readonly out: WriteStream,
    private readonly zip: Zip,
  ) {}

  static async create(path: string): Promise<ZipFileWriter> {
    const out = createWriteStream(path);
    await once(out, 'open');
    let writer!: ZipFileWriter;
    const zip = new Zip((err, chunk) => {
      if (err) writer.failure = err;
      else writer.pending.push(chunk);
    });
    writer = new ZipFileWriter(out, zip);
    out.on('error', (e) => (writer.failure = e));
    return writer;
  }

  async add(name: string, data: Uint8Array): Promise<void> {
    const entry = new ZipPassThrough(name);
    this.zip.add(entry);
    entry.push(data, true);
    await this.flush();
  }

  async finish(): Promise<void> {
    this.zip.end();
    await this.flush();
    this.out.end();
    await once(this.out, 'close');
    if (this.failure) throw this.failure;
  }

  private async flush(): Promise<void> {
    for (const chunk of this.pending.splice(0)) {
      if (this.failure) throw this.failure;
      if (!this.out.write(chunk)) await once(this.out, 'drain');
    }
    if (this.failure) throw this.failure;
  }
}
