import type * as Crypto from 'node:crypto';
import { fstatSync } from 'node:fs';
import type * as Tty from 'node:tty';
import type * as Vm from 'node:vm';
import type * as Zlib from 'node:zlib';

// Built-in modules that a plain run never needs, loaded at their first use: loading
// node:crypto and node:zlib at start-up cost some 25 M instructions, 5% of a start.

let crypto: typeof Crypto | undefined;
let zlib: typeof Zlib | undefined;
let tty: typeof Tty | undefined;
let vm: typeof Vm | undefined;

export function nodeCrypto(): typeof Crypto {
  crypto ??= process.getBuiltinModule('node:crypto');
  return crypto;
}

export function nodeZlib(): typeof Zlib {
  zlib ??= process.getBuiltinModule('node:zlib');
  return zlib;
}

export function nodeVm(): typeof Vm {
  vm ??= process.getBuiltinModule('node:vm');
  return vm;
}

/**
 * Whether `fd` is a terminal. Only a character device can be, so a file, a pipe or a
 * socket is told apart without loading node:tty (and node:net with it).
 */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  tty ??= process.getBuiltinModule('node:tty');
  return tty.isatty(fd);
}
