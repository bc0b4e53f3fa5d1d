/**
 * Every data-plane access the app makes has its role, for the app's identity, on the resource
 * it is for: blob, queue and table (host, blob trigger, Azure Storage backend, images), Cosmos DB,
 * each Vision account, Application Insights (Entra telemetry), and the Durable Task Scheduler
 * when it is the backend. Built-in role ids: Azure's built-in roles reference (docs/deploy.md).
 */
import { type Json, resourcesOf } from './support/compiled-template';
import { compiledTemplate } from './support/compiled-template';
import { TemplateScope } from './support/arm-evaluator';
import { BASE_PARAMETERS } from './support/app-settings';

const ROLES = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  cognitiveServicesUser: 'a97b65f3-24c7-4388-baec-2e87135dc908',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  durableTaskDataContributor: '0ad04412-c4d5-4796-b79c-f76d14c8d402',
  cosmosDataContributor: '00000000-0000-0000-0000-000000000002',
};

interface Assignment {
  scope: string;
  role: string;
  principalId: string;
  principalType: string | undefined;
  name: string;
}

function assignmentsFor(parameters: Record<string, Json>): {
  assignments: Assignment[];
  main: TemplateScope;
  identityPrincipal: string;
} {
  const main = TemplateScope.main(compiledTemplate(), { ...BASE_PARAMETERS, ...parameters });
  const rbac = main.module('rbac');
  const assignments: Assignment[] = [];
  for (const resource of resourcesOf(rbac.template)) {
    if (resource.existing === true) continue;
    for (const scope of rbac.instances(resource)) {
      const p = scope.value(resource.properties) as Record<string, unknown>;
      if (resource.type === 'Microsoft.Authorization/roleAssignments') {
        assignments.push({
          scope: String(scope.value(resource.scope)),
          role: String(p.roleDefinitionId).split('/').pop()!,
          principalId: String(p.principalId),
          principalType: p.principalType as string | undefined,
          name: String(scope.value(resource.name)),
        });
      } else if (resource.type === 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments') {
        assignments.push({
          scope: String(p.scope),
          role: String(p.roleDefinitionId).split('/').pop()!,
          principalId: String(p.principalId),
          principalType: undefined,
          name: String(scope.value(resource.name)),
        });
      } else {
        throw new Error(`Unexpected resource in rbac.bicep: ${resource.type}`);
      }
    }
  }
  const identityPrincipal = String(main.module('identity').output('principalId'));
  return { assignments, main, identityPrincipal };
}

function resourceIdOf(main: TemplateScope, module: string, type: string): string {
  return `/providers/${type}/${String(main.module(module).output('name'))}`;
}

describe('Template: role assignments', () => {
  it.each([
    ['Azure Storage backend, one region', {}],
    [
      'Durable Task Scheduler, two regions',
      { durableBackend: 'DurableTaskScheduler', secondaryLocation: 'northeurope' },
    ],
  ])('covers every data-plane access with the identity (%s)', (_name, parameters) => {
    // Prepare
    const { assignments, main, identityPrincipal } = assignmentsFor(parameters);
    const on = (id: string): string[] =>
      assignments.filter((a) => a.scope.endsWith(id)).map((a) => a.role);
    const storage = resourceIdOf(main, 'storage', 'Microsoft.Storage/storageAccounts');
    const cosmos = resourceIdOf(main, 'cosmos', 'Microsoft.DocumentDB/databaseAccounts');
    const insights = `/providers/Microsoft.Insights/components/${String(main.module('monitoring').output('applicationInsightsName'))}`;
    const visionModules =
      'secondaryLocation' in parameters ? ['vision', 'vision-secondary'] : ['vision'];

    // Assess
    expect(on(storage).sort()).toEqual(
      [
        ROLES.storageBlobDataOwner,
        ROLES.storageQueueDataContributor,
        ROLES.storageTableDataContributor,
      ].sort(),
    );
    expect(on(cosmos)).toEqual([ROLES.cosmosDataContributor]);
    for (const module of visionModules) {
      expect(on(resourceIdOf(main, module, 'Microsoft.CognitiveServices/accounts'))).toEqual([
        ROLES.cognitiveServicesUser,
      ]);
    }
    expect(on(insights)).toEqual([ROLES.monitoringMetricsPublisher]);
    const schedulerRoles = assignments.filter((a) => a.role === ROLES.durableTaskDataContributor);
    if ('durableBackend' in parameters) {
      const scheduler = resourceIdOf(
        main,
        'durable-task-scheduler',
        'Microsoft.DurableTask/schedulers',
      );
      expect(on(scheduler)).toEqual([ROLES.durableTaskDataContributor]);
    } else {
      expect(schedulerRoles).toEqual([]);
    }
    expect(assignments.length).toBe(3 + 1 + visionModules.length + 1 + schedulerRoles.length);
    for (const assignment of assignments) {
      expect(assignment.principalId).toBe(identityPrincipal);
    }
  });

  it('assigns to the managed identity as a service principal, never to a user, under stable names', () => {
    const first = assignmentsFor({}).assignments;
    const again = assignmentsFor({}).assignments;
    for (const assignment of first.filter((a) => a.principalType !== undefined)) {
      expect(assignment.principalType).toBe('ServicePrincipal');
    }
    expect(again.map((a) => a.name)).toEqual(first.map((a) => a.name));
    expect(new Set(first.map((a) => a.name)).size).toBe(first.length);
  });

  it('lets the function app use the identity the roles are given to', () => {
    const main = TemplateScope.main(compiledTemplate(), BASE_PARAMETERS);
    const api = main.module('api');
    const site = resourcesOf(api.template).find((r) => r.type === 'Microsoft.Web/sites')!;
    const value = api.value(site.identity) as { type: string; userAssignedIdentities: object };
    expect(value.type).toBe('UserAssigned');
    expect(Object.keys(value.userAssignedIdentities)).toEqual([
      String(main.module('identity').output('id')),
    ]);
  });
});
