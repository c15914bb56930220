// The WebAssembly record walk (assembly/recordScan.ts): loading it, writing the key table into its
// memory, and the layout both sides agree on. What its answers mean is scanRecords.ts's business:
// this module knows bytes and offsets only.
import { RECORD_SCAN_WASM } from './recordScanModule';

/** Entry flags of the key table (assembly/recordScan.ts F_*). */
export const WALK_TIME = 1;
export const WALK_RESOURCES = 2;
export const WALK_LENIENT = 4;
export const WALK_ISSUING_ONLY = 8;
export const WALK_CHILD = 16;

/** Kinds of an interned value (assembly/recordScan.ts PLAIN, ESCAPED, LITERAL). */
export const VALUE_PLAIN = 0;
export const VALUE_ESCAPED = 1;
export const VALUE_LITERAL = 2;

export interface WalkEntry {
  key: string;
  /** Scalar column, or -1. */
  column: number;
  flags: number;
  /** Level of an object-valued entry's keys, or -1. */
  child: number;
  /** The entry's bit in a record's "objects met" set (0 if none); below 2^31 (scanRecords.ts). */
  bit: number;
  /** An object-valued entry's columns at any depth beneath it. */
  beneath: number[];
}

export interface WalkTable {
  storedColumns: number;
  resourceColumns: number;
  eventIdColumn: number;
  eventNameColumn: number;
  /** Level 0: a record's keys; level 1: a resource's; then the levels entries name as `child`. */
  levels: WalkEntry[][];
  /** The eventNames whose responseElements are read (schema.ts ISSUING_EVENTS). */
  issuing: string[];
}

// The few WebAssembly types used here (the core's type check has no DOM library, which declares them).
type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: object };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

interface Exports {
  memory: { buffer: ArrayBuffer };
  alloc(n: number): number;
  configure(table: number): void;
  beginFile(len: number): number;
  scanRecord(i: number): number;
  infoPtr(): number;
  idsPtr(): number;
  resourcesPtr(): number;
  uuidPtr(): number;
  valuesPtr(): number;
}

/** Bytes per key table entry, and the longest key + 1 (assembly/recordScan.ts `configure`). */
const ENTRY_BYTES = 48;
const MAX_KEY = 64;

/**
 * Memory a walk may keep between files; an instance that grew past it is dropped after its file
 * (its memory cannot shrink, and a worker lives as long as the extension host). About twice a
 * file's size is needed: files of up to ~7 MB of JSON reuse one instance, larger ones get a new one.
 */
const KEEP_MEMORY_BYTES = 16 * 1024 * 1024;

let compiled: WasmModule | null | undefined;
let idle: RecordWalk | undefined;

/**
 * A walk over one file's bytes (which must be ASCII: its offsets are then the text's), or
 * undefined where WebAssembly (with SIMD) is not available. releaseRecordWalk when the file is done.
 */
export function recordWalk(table: WalkTable, bytes: Uint8Array): RecordWalk | undefined {
  if (compiled === undefined) {
    try {
      compiled = wasmApi ? new wasmApi.Module(Buffer.from(RECORD_SCAN_WASM, 'base64')) : null;
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return undefined;
  const walk = idle && idle.table === table ? idle : new RecordWalk(compiled, table);
  idle = undefined;
  walk.begin(bytes);
  return walk;
}

export class RecordWalk {
  private readonly x: Exports;
  private u8!: Uint8Array;
  private u32!: Uint32Array;
  private i32!: Int32Array;
  private f64!: Float64Array;
  /** Where scanRecord's block is (i32 index; see assembly/recordScan.ts `info`). */
  private infoAt = 0;
  /** Where the record's ids start (u32 index); fixed for a file. */
  idsAt = 0;
  resourcesAt = 0;
  uuidAt = 0;

  constructor(
    module: WasmModule,
    readonly table: WalkTable,
  ) {
    const instance = new wasmApi!.Instance(module, {
      env: {
        abort() {
          throw new Error('the WebAssembly record walk aborted');
        },
      },
    });
    this.x = instance.exports as unknown as Exports;
    this.writeTable();
  }

  private views(): void {
    const buffer = this.x.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }

  /** Layout: assembly/recordScan.ts `configure`. */
  private writeTable(): void {
    const t = this.table;
    const keyBytes: number[] = [];
    const keyAt = (key: string): number => {
      const at = keyBytes.length;
      for (let i = 0; i < key.length; i++) keyBytes.push(key.charCodeAt(i) & 0xff);
      return at;
    };
    // Each level's entries by key length, and where each length starts.
    const levels = t.levels.map((l) => [...l].sort((a, b) => a.key.length - b.key.length));
    const entryCount = levels.reduce((n, l) => n + l.length, 0);
    const beneathWords = levels.flatMap((l) => l.flatMap((e) => e.beneath));
    const levelsOff = 48;
    const entriesOff = levelsOff + 8 * MAX_KEY * levels.length;
    const issuingOff = entriesOff + ENTRY_BYTES * entryCount;
    const beneathOff = issuingOff + 8 * t.issuing.length;
    const keysOff = beneathOff + 4 * beneathWords.length;
    const entryWords: number[] = [];
    const levelWords: number[] = [];
    let beneathAt = 0;
    for (const level of levels) {
      const first = entryWords.length / (ENTRY_BYTES / 4);
      for (let len = 0; len < MAX_KEY; len++) {
        const from = level.findIndex((e) => e.key.length === len);
        levelWords.push(
          from < 0 ? 0 : first + from,
          level.filter((e) => e.key.length === len).length,
        );
      }
      for (const e of level) {
        if (!/^[\x20-\x7e]{1,63}$/.test(e.key)) throw new Error(`key table: ${e.key} is not one`);
        entryWords.push(
          keyAt(e.key),
          e.key.length,
          e.column,
          e.flags,
          e.child,
          beneathOff + 4 * beneathAt,
          e.bit % 2 ** 32,
          Math.floor(e.bit / 2 ** 32),
          e.beneath.length,
          0,
          0,
          0,
        );
        beneathAt += e.beneath.length;
      }
    }
    const issuingWords = t.issuing.flatMap((name) => {
      // The walk decodes an escaped eventName into 32 bytes to compare it (MAX_ISSUING_NAME).
      if (!/^[\x20-\x7e]{1,32}$/.test(name)) throw new Error(`key table: ${name} is not one`);
      return [keyAt(name), name.length];
    });
    const size = keysOff + keyBytes.length;
    const p = this.x.alloc(size);
    this.views();
    const w = p >> 2;
    this.i32.set(
      [
        t.storedColumns,
        t.resourceColumns,
        t.eventIdColumn,
        t.eventNameColumn,
        t.issuing.length,
        levelsOff,
        entriesOff,
        keysOff,
        issuingOff,
      ],
      w,
    );
    this.i32.set(levelWords, w + levelsOff / 4);
    this.i32.set(entryWords, w + entriesOff / 4);
    this.i32.set(issuingWords, w + issuingOff / 4);
    this.i32.set(beneathWords, w + beneathOff / 4);
    this.u8.set(keyBytes, p + keysOff);
    this.x.configure(p);
  }

  begin(bytes: Uint8Array): void {
    const p = this.x.beginFile(bytes.length);
    this.views();
    this.u8.set(bytes, p);
    this.infoAt = this.x.infoPtr() >> 2;
    this.idsAt = this.x.idsPtr() >> 2;
    this.resourcesAt = this.x.resourcesPtr() >> 2;
    this.uuidAt = this.x.uuidPtr();
  }

  /**
   * Walks the record at i (its '{'): the index past it, -1 (not valid JSON) or -2 (for
   * JSON.parse). What it read is then in `ids` (from idsAt, resourcesAt), `bytes` (the packed
   * eventID at uuidAt) and the accessors below, until the next scan.
   */
  scan(i: number): number {
    const end = this.x.scanRecord(i);
    if (this.u8.length === 0) this.views(); // the memory grew: the views were detached
    return end;
  }

  get ids(): Uint32Array {
    return this.u32;
  }
  get bytes(): Uint8Array {
    return this.u8;
  }
  depth(): number {
    return this.i32[this.infoAt + 1];
  }
  resourceCount(): number {
    return this.i32[this.infoAt + 2];
  }
  /** 0 none; 1 a string without escapes, [start, end) its contents; 2 any other value, its text. */
  timeKind(): number {
    return this.i32[this.infoAt + 3];
  }
  timeStart(): number {
    return this.i32[this.infoAt + 4];
  }
  timeEnd(): number {
    return this.i32[this.infoAt + 5];
  }
  /** The eventTime in ms when it is a string in CloudTrail's canonical form, else NaN. */
  canonicalTime(): number {
    return this.f64[(this.infoAt >> 1) + 4];
  }
  /** Values interned so far in the file (ids 1 … count). */
  valueCount(): number {
    return this.i32[this.infoAt + 6];
  }

  /** Value `id`'s kind, start and length in the file. */
  value(id: number): { kind: number; start: number; length: number } {
    const at = (this.x.valuesPtr() >> 2) + (id - 1) * 4;
    return { kind: this.u32[at + 2] & 3, start: this.u32[at], length: this.u32[at + 1] };
  }

  /** Bytes of memory the instance holds. */
  memoryBytes(): number {
    return this.x.memory.buffer.byteLength;
  }
}

/** The walk's file is finished: its instance is kept for the next file unless it grew large. */
export function releaseRecordWalk(walk: RecordWalk): void {
  if (walk.memoryBytes() <= KEEP_MEMORY_BYTES) idle = walk;
}
