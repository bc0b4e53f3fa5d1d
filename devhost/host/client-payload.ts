/**
 * The durable client binding payload, as the extension's BindingHelper builds it. `rpcBaseUrl`
 * points at a loopback-only listener without key checks, as in Azure (there it is port 17071).
 */
export interface ClientPayloadOptions {
  hubName: string;
  publicBaseUrl: string;
  rpcBaseUrl: string;
  systemKey: string;
}

export function durableClientPayload(o: ClientPayloadOptions): Record<string, unknown> {
  const base = `${o.publicBaseUrl}/runtime/webhooks/durabletask`;
  const common = `taskHub=${encodeURIComponent(o.hubName)}&connection=Storage&code=${encodeURIComponent(o.systemKey)}`;
  const instance = `${base}/instances/INSTANCEID`;
  return {
    taskHubName: o.hubName,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?code=${encodeURIComponent(o.systemKey)}`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=${encodeURIComponent(o.systemKey)}`,
    },
    managementUrls: {
      id: 'INSTANCEID',
      statusQueryGetUri: `${instance}?${common}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${common}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${common}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${common}`,
      purgeHistoryDeleteUri: `${instance}?${common}`,
      restartPostUri: `${instance}/restart?${common}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${common}`,
      resumePostUri: `${instance}/resume?reason={text}&${common}`,
    },
    baseUrl: base,
    requiredQueryStringParameters: `code=${encodeURIComponent(o.systemKey)}`,
    rpcBaseUrl: o.rpcBaseUrl,
  };
}
