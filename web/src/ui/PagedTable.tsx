// A long list that stays smooth: only the visible rows are in the page
// (@tanstack/react-virtual), and rows are fetched from the API a page at a
// time as they come into view (?offset=&limit=). `reloadKey` changes (a
// filter, a live event) drop the loaded pages and fetch again.
//
// Rows are a table for assistive technology (role=table, aria-rowcount and
// aria-rowindex on each row), laid out with CSS grid so rows can be placed
// absolutely.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

export interface Column<T> {
  key: string;
  header: string;
  width: string; // a CSS grid track, e.g. "8rem" or "1fr"
  cell: (row: T) => ReactNode;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

const pageSize = 100;
const rowHeight = 40;

export function PagedTable<T>({
  label,
  columns,
  fetchPage,
  reloadKey,
  onOpen,
  rowKey,
  rowClass,
  height = '70vh',
}: {
  label: string;
  columns: Column<T>[];
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>;
  reloadKey: unknown;
  onOpen?: (row: T) => void;
  rowKey: (row: T) => string;
  rowClass?: (row: T) => string;
  height?: string;
}) {
  const { t } = useTranslation();
  const [total, setTotal] = useState<number | null>(null);
  const [rows, setRows] = useState<Map<number, T>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  const parent = useRef<HTMLDivElement>(null);

  const load = useCallback(
    (page: number) => {
      if (loading.current.has(page)) return;
      loading.current.add(page);
      const gen = generation.current;
      fetchPage(page * pageSize, pageSize)
        .then((p) => {
          if (gen !== generation.current) return;
          setTotal(p.total);
          setRows((old) => {
            const next = new Map(old);
            p.rows.forEach((r, i) => next.set(page * pageSize + i, r));
            return next;
          });
          setError(null);
        })
        .catch((e: unknown) => {
          if (gen === generation.current) setError(e instanceof ApiError ? e.message : String(e));
          loading.current.delete(page);
        });
    },
    [fetchPage],
  );

  useEffect(() => {
    generation.current += 1;
    loading.current.clear();
    setRows(new Map());
    load(0);
  }, [reloadKey, load]);

  const count = total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => parent.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  useEffect(() => {
    for (const it of items) if (!rows.has(it.index)) load(Math.floor(it.index / pageSize));
  }, [items, rows, load]);

  const template = columns.map((c) => c.width).join(' ');
  return (
    <div className="paged-table" role="table" aria-label={label} aria-rowcount={count + 1}>
      <div className="pt-row pt-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div key={c.key} role="columnheader" className="pt-cell">
            {c.header}
          </div>
        ))}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {total === 0 && <p className="muted pt-empty">{t('common.list_empty')}</p>}
      <div ref={parent} className="pt-body" style={{ maxHeight: height }} tabIndex={-1} role="rowgroup">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="presentation">
          {items.map((it) => {
            const row = rows.get(it.index);
            return (
              <div
                key={row ? rowKey(row) : `loading-${it.index}`}
                role="row"
                aria-rowindex={it.index + 2}
                className={`pt-row ${row && rowClass ? rowClass(row) : ''} ${onOpen ? 'pt-clickable' : ''}`}
                style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${it.start}px)` }}
                onClick={row && onOpen ? () => onOpen(row) : undefined}
              >
                {row ? (
                  columns.map((c) => (
                    <div key={c.key} role="cell" className="pt-cell">
                      {c.cell(row)}
                    </div>
                  ))
                ) : (
                  <div role="cell" className="pt-cell muted">
                    {t('common.loading')}
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
