/**
 * The schema as the mock serves it: every field resolved by @graphql-tools/mock with values that
 * fit its type (the fixtures where the --mocks file gives them), and every Subscription field a
 * stream of timed events — the fixture's list, or `count` mocked values.
 */
import { addMocksToSchema, createMockStore, type IMocks } from '@graphql-tools/mock';
import type { GraphQLSchema } from 'graphql';
import type { MockFixtures } from './mocks-file.js';
import { timedEvents } from './timed-events.js';

export interface EventPacing {
  /** Time between two events of a subscription (and before the first). */
  intervalMs: number;
  /** How many events a subscription without fixtures sends before it completes. */
  count: number;
}

/** What a subscription's stream yields: the fixture's value, or none (then mocked, fresh per event). */
interface SubscriptionEvent {
  value: unknown;
  serial: number;
}

export function mockedSchema(schema: GraphQLSchema, fixtures: MockFixtures, pacing: EventPacing): GraphQLSchema {
  const mocks: IMocks = Object.fromEntries(Object.entries(fixtures.types).map(([type, fixture]) => [type, () => fixture]));
  const store = createMockStore({ schema, mocks });
  // Each mocked event is a new entry in the store (its own key), so two events differ as two
  // list items do; the store keeps what it made, which bounds a long run by its events.
  let serial = 0;
  const subscriptionType = schema.getSubscriptionType();
  const subscriptionResolvers = Object.fromEntries(
    Object.keys(subscriptionType?.getFields() ?? {}).map((field) => {
      const events = fixtures.subscriptions[field];
      return [
        field,
        {
          subscribe: () =>
            timedEvents<SubscriptionEvent>(events?.length ?? pacing.count, pacing.intervalMs, (index) => ({ value: events?.[index], serial: ++serial })),
          resolve: (event: SubscriptionEvent, args: Record<string, unknown>) =>
            event.value !== undefined ? event.value : store.get(subscriptionType!.name, 'ROOT', field, { ...args, __event: event.serial }),
        },
      ];
    }),
  );
  return addMocksToSchema({
    schema,
    store,
    resolvers: subscriptionType ? { [subscriptionType.name]: subscriptionResolvers } : {},
  });
}
