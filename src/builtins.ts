import type * as Crypto from 'node:crypto';
import type * as Zlib from 'node:zlib';

// Built-in modules that a plain run never needs, loaded at their first use: loading
// node:crypto and node:zlib at start-up cost some 25 M instructions, 5% of a start.

let crypto: typeof Crypto | undefined;
let zlib: typeof Zlib | undefined;

export function nodeCrypto(): typeof Crypto {
  crypto ??= process.getBuiltinModule('node:crypto');
  return crypto;
}

export function nodeZlib(): typeof Zlib {
  zlib ??= process.getBuiltinModule('node:zlib');
  return zlib;
}
