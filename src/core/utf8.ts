// Strict UTF-8 decoding: what apicred reads from files and stdin must be valid UTF-8. A lenient
// decoder turns bad bytes into U+FFFD, so a name in an apply file could silently become another
// one; here invalid input is an error that names the byte offset of the first bad sequence.

export class InvalidUtf8Error extends Error {
  constructor(readonly byteOffset: number) {
    super(`not valid UTF-8 (first invalid byte at offset ${byteOffset})`);
    this.name = "InvalidUtf8Error";
  }
}

let decoder: InstanceType<typeof TextDecoder> | undefined;

/** The text of `bytes`, or InvalidUtf8Error. A byte order mark is kept (the caller decides). */
export function decodeUtf8(bytes: Uint8Array): string {
  decoder ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  try {
    return decoder.decode(bytes);
  } catch {
    throw new InvalidUtf8Error(firstInvalidUtf8(bytes));
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
