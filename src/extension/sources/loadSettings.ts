// The settings that bound a load (the timeline's): the per-file decompression cap and the load's
// budget of records and decompressed bytes (core/ingest/budget.ts), and how to raise each.
import * as vscode from 'vscode';
import { DEFAULT_MAX_LOAD_BYTES, DEFAULT_MAX_RECORDS } from '../../core/ingest/budget';
import { DEFAULT_MAX_UNCOMPRESSED_BYTES } from '../../core/ingest/gzip';
import { defaultMemoryCeiling } from '../../core/ingest/memoryFit';

const MB = 1024 * 1024;

export interface LoadSettings {
  maxFileBytes: number;
  limits: { maxRecords: number; maxBytes: number; maxMemoryBytes: number };
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function loadSettings(): LoadSettings {
  const c = vscode.workspace.getConfiguration('cloudtrailLens.load');
  return {
    maxFileBytes: Math.floor(
      positive(c.get<number>('maxFileMB'), DEFAULT_MAX_UNCOMPRESSED_BYTES / MB) * MB,
    ),
    limits: {
      maxRecords: Math.floor(positive(c.get<number>('maxRecords'), DEFAULT_MAX_RECORDS)),
      maxBytes: Math.floor(positive(c.get<number>('maxTotalMB'), DEFAULT_MAX_LOAD_BYTES / MB) * MB),
      maxMemoryBytes: Math.floor(
        positive(c.get<number>('maxMemoryMB'), defaultMemoryCeiling() / MB) * MB,
      ),
    },
  };
}

/** How to raise each budget, for the message when a load stops at one. */
export const RAISE_BUDGET_SETTINGS = {
  records: 'raise the setting cloudtrailLens.load.maxRecords',
  bytes: 'raise the setting cloudtrailLens.load.maxTotalMB',
  memory: 'raise the setting cloudtrailLens.load.maxMemoryMB',
};
