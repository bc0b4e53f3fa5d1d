/**
 * DefaultAzureCredential, loaded only when a setting asks for Entra ID authentication.
 *
 * `require` on first use rather than an import: offline runs (keys and connection strings) never
 * load MSAL, which shortens cold starts, and the lint's import-cycle check, which cannot resolve
 * MSAL's package layout, never walks into it.
 */
import type { DefaultAzureCredential } from '@azure/identity';

type IdentityModule = { DefaultAzureCredential: new () => DefaultAzureCredential };

let shared: DefaultAzureCredential | undefined;

export function defaultAzureCredential(): DefaultAzureCredential {
  if (shared === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const identity = require('@azure/identity') as IdentityModule;
    shared = new identity.DefaultAzureCredential();
  }
  return shared;
}
