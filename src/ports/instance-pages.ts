/** Paged access to orchestration instances, for the lifecycle sweeps and the cascade delete. */

export interface InstanceRef {
  instanceId: string;
  runtimeStatus: string;
  createdTime: string;
}

export interface InstancePageQuery {
  instanceIdPrefix?: string;
  /** Created at or before this instant (ISO 8601). */
  createdTo?: string;
  runtimeStatus?: string[];
  /** At most this many per page (1 to 1000). */
  top: number;
  continuationToken?: string;
}

export interface InstancePages {
  /** One page of instances (entities excluded), and the token of the next page. */
  page(query: InstancePageQuery): Promise<{ items: InstanceRef[]; continuationToken?: string }>;
  /** Asks a running instance to stop; it turns Terminated asynchronously. */
  terminate(instanceId: string, reason: string): Promise<void>;
  /** Deletes a finished instance's state and history; false when there was none to delete. */
  purge(instanceId: string): Promise<boolean>;
}
