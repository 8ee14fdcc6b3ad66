import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { bodyOf, parseBicep, resourcesOfType, valueAt, type BicepFile } from './support/bicepReader';
import { parseParametersFile, wiredSettingEntries } from './support/appSettingRoutes';
import { infraDir } from './support/infraChecks';

const read = (...parts: string[]) => parseBicep(readFileSync(path.join(infraDir, ...parts), 'utf8'));
const main = read('main.bicep');
const api = read('app', 'api.bicep');
const incomingCalls = read('app', 'incoming-calls.bicep');
const communication = read('core', 'communication', 'communication-services.bicep');
const parameters = parseParametersFile(readFileSync(path.join(infraDir, 'main.parameters.json'), 'utf8'));

function moduleParams(file: BicepFile, target: string) {
  const module = file.modules.find((m) => m.target === target);
  if (!module) throw new Error(`no module ${target}`);
  const body = bodyOf(file, module);
  return (name: string) => valueAt(file, body, `params.${name}`);
}

function only(file: BicepFile, type: string) {
  const found = resourcesOfType(file, type);
  expect(found, type).toHaveLength(1);
  const body = bodyOf(file, found[0]!);
  return { resource: found[0]!, at: (at: string) => valueAt(file, body, at) };
}

describe('incoming calls: Event Grid delivers Microsoft.Communication.IncomingCall to the app', () => {
  it('puts a global system topic on the Communication Services resource', () => {
    const topic = only(incomingCalls, 'Microsoft.EventGrid/systemTopics');
    expect(topic.at('location')).toBe("'global'");
    expect(topic.at('properties.source')).toBe('communication.id');
    expect(topic.at('properties.topicType')).toBe("'Microsoft.Communication.CommunicationServices'");
  });

  it('subscribes only incoming calls, one per request, posted to the app with an Entra token', () => {
    const subscription = only(incomingCalls, 'Microsoft.EventGrid/systemTopics/eventSubscriptions');
    expect(subscription.at('parent')).toBe('systemTopic');
    expect(subscription.at('properties.filter.includedEventTypes')).toMatch(
      /^\[\s*'Microsoft\.Communication\.IncomingCall'\s*\]$/,
    );
    expect(subscription.at('properties.destination.endpointType')).toBe("'WebHook'");
    const destination = (name: string) => subscription.at(`properties.destination.properties.${name}`);
    expect(destination('endpointUrl')).toBe('endpointUrl');
    expect(destination('azureActiveDirectoryTenantId')).toBe('tenantId');
    expect(destination('azureActiveDirectoryApplicationIdOrUri')).toBe('applicationIdOrUri');
    expect(destination('maxEventsPerBatch')).toBe('1');
    // The app parses the EventGridEvent schema (shared/callAutomation/incomingCalls.ts), not CloudEvents.
    expect(subscription.at('properties.eventDeliverySchema')).toBe("'EventGridSchema'");
  });

  it('creates the subscription only when INCOMING_CALLS_ENABLED, since the app must answer its handshake', () => {
    const subscription = only(incomingCalls, 'Microsoft.EventGrid/systemTopics/eventSubscriptions');
    expect(subscription.resource.value).toMatch(/^if \(createSubscription\)/);
    const enabled = main.params.find((p) => p.name === 'incomingCallsEnabled');
    expect([enabled?.type, enabled?.defaultValue]).toEqual(['bool', 'false']);
    expect(parameters.parameters.incomingCallsEnabled?.value).toBe('${INCOMING_CALLS_ENABLED=false}');
    expect(moduleParams(main, './app/incoming-calls.bicep')('createSubscription')).toBe(
      'incomingCallsEnabled',
    );
  });

  it('points at the app route, for the API app registration (the audience the app checks)', () => {
    const params = moduleParams(main, './app/incoming-calls.bicep');
    expect(params('endpointUrl')).toBe("'${api.outputs.uri}/api/callautomation/incoming-calls'");
    expect(params('applicationIdOrUri')).toBe('authAudience');
    expect(moduleParams(main, './app/api.bicep')('authAudience')).toBe('authAudience');
    expect(api.outputs.find((o) => o.name === 'uri')?.value).toBe(
      "'https://${functionApp.properties.defaultHostName}'",
    );
  });

  it('tells the app where its callbacks go and which audience their tokens carry', () => {
    const setting = (key: string) => wiredSettingEntries(api).find((e) => e.key === key)?.value;
    expect(setting('CALLBACK_BASE_URL')).toBe("'https://${functionApp.properties.defaultHostName}'");
    expect(setting('CALL_AUTOMATION_AUDIENCE')).toBe('acsImmutableResourceId');
    expect(moduleParams(main, './app/api.bicep')('acsImmutableResourceId')).toBe(
      'communication.outputs.immutableResourceId',
    );
    expect(communication.outputs.find((o) => o.name === 'immutableResourceId')?.value).toBe(
      'communication.properties.immutableResourceId',
    );
  });
});
