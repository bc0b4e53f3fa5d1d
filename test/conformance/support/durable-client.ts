/**
 * The SDK's own DurableClient, bound to a harness's Durable HTTP API the way a client function
 * gets it in Azure: through `df.getClient` over a `durableClient` input binding.
 */
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableHarness } from '../../../devhost/testing/durable-harness';

export type DurableClient = ReturnType<typeof df.getClient>;

export function durableClient(h: DurableHarness): DurableClient {
  const binding = df.input.durableClient();
  const context = new InvocationContext({
    functionName: 'conformanceClient',
    options: { extraInputs: [binding] },
  });
  context.extraInputs.set(binding, h.clientPayload());
  return df.getClient(context);
}
