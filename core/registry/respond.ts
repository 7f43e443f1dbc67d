/**
 * Response bodies of the REST handler in the negotiated format: JSON (built from each object's
 * cached JSON, so a LIST concatenates strings), Table, PartialObjectMetadata(List) or YAML.
 */
import YAML from 'yaml';
import type { OutputFormat } from '../api/negotiate';
import { DEFAULT_PRINTER, buildTable, partialObjectMetadata, rowCells, type IncludeObject } from '../api/table';
import type { ApiResponse } from '../pipeline/types';
import type { CachedObject, Codec } from './codec';
import type { KObject, TablePrinter } from './types';

export interface ResponseFormat {
  /** the request's version */
  version: string;
  output: OutputFormat;
  includeObject: IncludeObject;
}

export interface ListBody {
  items: ReadonlyArray<CachedObject | KObject>;
  revision: number;
  continue?: string;
  remainingItemCount?: number;
}

const JSON_HEADERS = Object.freeze({ 'Content-Type': 'application/json' });

function isCached(o: CachedObject | KObject): o is CachedObject {
  return typeof (o as CachedObject).key === 'string' && typeof (o as CachedObject).revision === 'number' && 'obj' in o;
}

function hubOf(o: CachedObject | KObject): KObject {
  return isCached(o) ? o.obj : o;
}

function jsonOf(codec: Codec, o: CachedObject | KObject, version: string): Buffer {
  return isCached(o) ? codec.json(o, version) : Buffer.from(JSON.stringify(codec.toVersion(o, version)));
}

const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}');

function json(status: number, body: string | Buffer): ApiResponse {
  return { status, headers: { ...JSON_HEADERS }, body: typeof body === 'string' ? Buffer.from(body) : body };
}

function yaml(status: number, value: unknown): ApiResponse {
  return { status, headers: { 'Content-Type': 'application/yaml' }, body: Buffer.from(YAML.stringify(value)) };
}

export function listMeta(list: ListBody): Record<string, unknown> {
  const meta: Record<string, unknown> = { resourceVersion: String(list.revision) };
  if (list.continue) meta.continue = list.continue;
  if (list.remainingItemCount !== undefined) meta.remainingItemCount = list.remainingItemCount;
  return meta;
}

/** One object: 200/201 in the request's version and format. */
export function objectResponse(codec: Codec, printer: TablePrinter | undefined, status: number, o: CachedObject | KObject, fmt: ResponseFormat): ApiResponse {
  switch (fmt.output.kind) {
    case 'json':
      return json(status, jsonOf(codec, o, fmt.version));
    case 'yaml':
      return yaml(status, codec.toVersion(hubOf(o), fmt.version));
    case 'metadata':
      return json(status, JSON.stringify(partialObjectMetadata(codec.toVersion(hubOf(o), fmt.version), fmt.output.metaVersion)));
    case 'table': {
      const hub = hubOf(o);
      const table = buildTable([{ hub, versioned: codec.toVersion(hub, fmt.version) }], {
        printer,
        includeObject: fmt.includeObject,
        now: new Date(),
        metaVersion: fmt.output.metaVersion,
        listMeta: { resourceVersion: hub.metadata.resourceVersion ?? '' },
      });
      return json(status, JSON.stringify(table));
    }
  }
}

/** A list: `<Kind>List` with metadata.resourceVersion/continue/remainingItemCount, or a Table. */
export function listResponse(codec: Codec, printer: TablePrinter | undefined, list: ListBody, fmt: ResponseFormat): ApiResponse {
  const meta = listMeta(list);
  switch (fmt.output.kind) {
    case 'json': {
      const head = `{"kind":${JSON.stringify(codec.listKind)},"apiVersion":${JSON.stringify(codec.apiVersion(fmt.version))},"metadata":${JSON.stringify(meta)},"items":[`;
      const parts: Buffer[] = [Buffer.from(head)];
      for (let i = 0; i < list.items.length; i++) {
        if (i > 0) parts.push(COMMA);
        parts.push(jsonOf(codec, list.items[i], fmt.version));
      }
      parts.push(LIST_END);
      return json(200, Buffer.concat(parts));
    }
    case 'yaml':
      return yaml(200, {
        kind: codec.listKind,
        apiVersion: codec.apiVersion(fmt.version),
        metadata: meta,
        items: list.items.map((o) => codec.toVersion(hubOf(o), fmt.version)),
      });
    case 'metadata':
      return json(
        200,
        JSON.stringify({
          kind: 'PartialObjectMetadataList',
          apiVersion: `meta.k8s.io/${fmt.output.metaVersion}`,
          metadata: meta,
          items: list.items.map((o) => partialObjectMetadata(codec.toVersion(hubOf(o), fmt.version), fmt.output.metaVersion)),
        }),
      );
    case 'table': {
      if (fmt.includeObject !== 'Object' && codec.conversionFree) return json(200, fastTable(printer, list, meta, fmt));
      const table = buildTable(
        list.items.map((o) => {
          const hub = hubOf(o);
          return { hub, versioned: fmt.includeObject === 'None' ? hub : codec.toVersion(hub, fmt.version) };
        }),
        { printer, includeObject: fmt.includeObject, now: new Date(), metaVersion: fmt.output.metaVersion, listMeta: meta },
      );
      return json(200, JSON.stringify(table));
    }
  }
}

/**
 * A Table list built from pieces: each row's PartialObjectMetadata reuses the object's cached
 * metadata JSON (no conversion changes metadata here), so only the cells are serialized per request.
 */
function fastTable(printer: TablePrinter | undefined, list: ListBody, meta: Record<string, unknown>, fmt: ResponseFormat): Buffer {
  const p = printer ?? DEFAULT_PRINTER;
  const now = new Date();
  const v = fmt.output.metaVersion;
  const parts: string[] = [
    `{"kind":"Table","apiVersion":"meta.k8s.io/${v}","metadata":${JSON.stringify(meta)},"columnDefinitions":${JSON.stringify(p.columns)},"rows":[`,
  ];
  const objectHead = `,"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/${v}","metadata":`;
  for (let i = 0; i < list.items.length; i++) {
    const o = list.items[i];
    const hub = hubOf(o);
    let row = `${i > 0 ? ',' : ''}{"cells":${JSON.stringify(rowCells(p, hub, now))}`;
    if (fmt.includeObject === 'Metadata') {
      let m: string;
      if (isCached(o)) m = o.metadataJson ??= JSON.stringify(hub.metadata);
      else m = JSON.stringify(hub.metadata);
      row += `${objectHead}${m}}`;
    }
    parts.push(`${row}}`);
  }
  parts.push(']}');
  return Buffer.from(parts.join(''));
}
