import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  isMqQueueManagerEntity,
  MQ_CERT_ANNOTATIONS,
  parseQueueManagerEntity,
  QueueManagerSpec,
} from '@mqcert/plugin-mq-certificates-common';

/** A catalog entity with the queue-manager annotation, parsed once. @public */
export interface ManagedQueueManager {
  entity: Entity;
  /** Lower-case entity ref (the key in the database). */
  entityRef: string;
  /** Undefined when the annotations are invalid; see configError. */
  spec?: QueueManagerSpec;
  configError?: string;
  /** Owner refs, lower case (from ownedBy relations, else spec.owner). */
  owners: string[];
}

/** Lower-case full entity ref, the form the database keys on. @public */
export function normalizeEntityRef(ref: string | Entity): string {
  const full =
    typeof ref === 'string'
      ? stringifyEntityRef(parseEntityRef(ref))
      : stringifyEntityRef(ref);
  return full.toLocaleLowerCase('en-US');
}

function ownersOf(entity: Entity): string[] {
  const fromRelations = (entity.relations ?? [])
    .filter(r => r.type === RELATION_OWNED_BY)
    .map(r => r.targetRef.toLocaleLowerCase('en-US'));
  if (fromRelations.length) return fromRelations;
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) return [];
  try {
    return [
      stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      ).toLocaleLowerCase('en-US'),
    ];
  } catch {
    return [];
  }
}

/** Parses a catalog entity into a managed queue manager (never throws). @public */
export function toManagedQueueManager(entity: Entity): ManagedQueueManager {
  let spec: QueueManagerSpec | undefined;
  let configError: string | undefined;
  try {
    spec = parseQueueManagerEntity(entity);
  } catch (e) {
    configError = (e as Error).message;
  }
  return {
    entity,
    entityRef: normalizeEntityRef(entity),
    spec,
    configError,
    owners: ownersOf(entity),
  };
}

/**
 * Reads the managed queue managers from the catalog with the plugin's own
 * credentials and keeps the result for `ttlMs`. After that the cached list
 * is still served while one background read refreshes it, so requests never
 * wait for the catalog except the very first (the fleet endpoint has a
 * latency budget; the catalog read of 10,000 entities takes far longer).
 * Per-user visibility is applied by the caller with the permission
 * framework.
 */
export class QueueManagerCatalog {
  private cache?: {
    items: ManagedQueueManager[];
    byRef: Map<string, ManagedQueueManager>;
    fetchedAt: number;
  };
  private loading?: Promise<void>;
  /** Bumped on every successful load, so dependants can rebuild. */
  generation = 0;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      ttlMs: number;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /** All managed queue managers (possibly up to ttl old). */
  async list(): Promise<ManagedQueueManager[]> {
    if (!this.cache) {
      await this.load();
    } else if (this.now() - this.cache.fetchedAt > this.options.ttlMs) {
      this.load().catch(() => {}); // logged in load; keep serving the old list
    }
    return this.cache!.items;
  }

  /** Forgets the cached list; the next list() reads the catalog again. */
  invalidate() {
    this.cache = undefined;
  }

  private load(): Promise<void> {
    if (!this.loading) {
      this.loading = this.read()
        .then(items => {
          this.cache = {
            items,
            byRef: new Map(items.map(i => [i.entityRef, i])),
            fetchedAt: this.now(),
          };
          this.generation += 1;
        })
        .catch(error => {
          this.options.logger.warn(
            `could not read queue-manager entities from the catalog: ${error}`,
          );
          throw error;
        })
        .finally(() => {
          this.loading = undefined;
        });
    }
    return this.loading;
  }

  private async read(): Promise<ManagedQueueManager[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const items: ManagedQueueManager[] = [];
    for await (const page of this.options.catalog.streamEntities(
      {
        filter: {
          [`metadata.annotations.${MQ_CERT_ANNOTATIONS.queueManager}`]:
            CATALOG_FILTER_EXISTS,
        },
      },
      { credentials },
    )) {
      for (const entity of page) {
        if (isMqQueueManagerEntity(entity)) {
          items.push(toManagedQueueManager(entity));
        }
      }
    }
    return items;
  }

  /**
   * One queue manager, read fresh from the catalog with the caller's
   * credentials (so the catalog's own read permission applies too).
   */
  async get(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ManagedQueueManager> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(
        `${entityRef} is not in the catalog; check the entity reference (kind:namespace/name) or register the entity`,
      );
    }
    if (!isMqQueueManagerEntity(entity)) {
      throw new NotFoundError(
        `${entityRef} is not a managed queue manager; add the annotation ${MQ_CERT_ANNOTATIONS.queueManager} to the entity`,
      );
    }
    return toManagedQueueManager(entity);
  }
}
