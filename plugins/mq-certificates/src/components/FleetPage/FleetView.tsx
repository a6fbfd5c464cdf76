import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import LinearProgress from '@material-ui/core/LinearProgress';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import type { FleetQuery } from '@mqcert/plugin-mq-certificates-common';
import { FleetState, mqCertificatesApiRef } from '../../api';
import { ErrorState } from '../common/ErrorState';
import { FleetFilterValues, FleetFilters } from './FleetFilters';
import { FleetSort, FleetTable, PAGE_SIZES } from './FleetTable';
import { StateCounts } from './StateCounts';

/** Pause after typing before the fleet is asked again. */
const TYPING_PAUSE_MS = 300;

/** Turns the form values into the backend query (only what is set and valid). */
export function toFleetQuery(
  filters: FleetFilterValues,
  sort: FleetSort,
  page: number,
  pageSize: number,
): FleetQuery {
  const days = filters.maxDaysLeft.trim();
  return {
    state: filters.state,
    owner: filters.owner.trim() || undefined,
    q: filters.q.trim() || undefined,
    maxDaysLeft: /^-?\d+$/.test(days) ? Number(days) : undefined,
    sort: sort.field,
    order: sort.order,
    offset: page * pageSize,
    limit: pageSize,
  };
}

/**
 * Every managed queue manager: counts per state, filters, and a sortable
 * table paged by the backend, so thousands of rows cost one page each.
 */
export function FleetView() {
  const api = useApi(mqCertificatesApiRef);
  const [filters, setFilters] = useState<FleetFilterValues>({
    owner: '',
    q: '',
    maxDaysLeft: '',
  });
  // Text filters are applied after a pause; the state select at once.
  const [typed, setTyped] = useState({ owner: '', q: '', maxDaysLeft: '' });
  useDebounce(
    () =>
      setTyped(prev =>
        prev.owner === filters.owner &&
        prev.q === filters.q &&
        prev.maxDaysLeft === filters.maxDaysLeft
          ? prev
          : {
              owner: filters.owner,
              q: filters.q,
              maxDaysLeft: filters.maxDaysLeft,
            },
      ),
    TYPING_PAUSE_MS,
    [filters.owner, filters.q, filters.maxDaysLeft],
  );
  const [sort, setSort] = useState<FleetSort>({
    field: 'daysLeft',
    order: 'asc',
  });
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]);

  const query = useMemo(
    () =>
      toFleetQuery({ ...typed, state: filters.state }, sort, page, pageSize),
    [typed, filters.state, sort, page, pageSize],
  );
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getFleet(query),
    [api, query],
  );

  const changeFilters = (next: FleetFilterValues) => {
    setFilters(next);
    setPage(0);
  };
  const selectState = (state: FleetState | undefined) =>
    changeFilters({ ...filters, state });

  return (
    <>
      <StateCounts
        counts={value?.counts}
        selected={filters.state}
        onSelect={selectState}
      />
      <FleetFilters value={filters} onChange={changeFilters} />
      {error && (
        <ErrorState
          error={error}
          what="the queue manager fleet"
          onRetry={retry}
        />
      )}
      {!value && loading && <Progress />}
      {value && (
        <>
          {/* Keeps the old page visible while the next one loads. */}
          {loading ? (
            <LinearProgress aria-label="Loading queue managers" />
          ) : (
            <div style={{ height: 4 }} />
          )}
          <FleetTable
            rows={value.items}
            totalCount={value.totalCount}
            page={page}
            pageSize={pageSize}
            sort={sort}
            onSort={s => {
              setSort(s);
              setPage(0);
            }}
            onPage={setPage}
            onPageSize={size => {
              setPageSize(size);
              setPage(0);
            }}
          />
        </>
      )}
    </>
  );
}
