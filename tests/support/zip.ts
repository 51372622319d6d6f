/** Reads a deployment zip as Lambda would unpack it, without an unzip program on the machine. */
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';

/** Every file in the zip, by its path inside it. */
export async function unzip(zipPath: string): Promise<Map<string, Buffer>> {
  const zip = await JSZip.loadAsync(readFileSync(zipPath));
  const files = new Map<string, Buffer>();
  for (const entry of Object.values(zip.files)) {
    if (!entry.dir) files.set(entry.name, await entry.async('nodebuffer'));
  }
  return files;
}
