import type { Router } from 'express';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/** The route a service's subscription to `<topic>-deadletter` delivers to (cdk8s/src/dapr-subscriptions.ts). */
export const deadLetterRoute = (topic: string): string => `/deadletters/${topic}`;

/** The series of events that reached a dead-letter topic, by that topic (docs/operations.md, alert rules). */
export const deadLetterMetric = 'shopstack_deadletter_events_total';

/**
 * Counts and logs each event Dapr moved to one of the service's dead-letter topics (a poison event, or
 * one its retries gave up on), then acknowledges it: it stays in the topic's stream for a person to read
 * and replay, and the count is what the alert rules and the operator's Degraded condition watch.
 * The log names the event, never its data (it may hold a customer's details). Only one consumer of a
 * topic is subscribed to its dead letters (cdk8s/src/dapr-subscriptions.ts, deadLetterReader); the others
 * report 0, so the sum over pods is the count.
 */
export function deadLetterRoutes(
  topics: readonly string[],
  logger: Logger,
): (router: Router, metrics: Metrics) => void {
  return (router, metrics) => {
    const counted = metrics.counter(deadLetterMetric, 'Events that reached a dead-letter topic, by topic', ['topic']);
    for (const topic of topics) {
      const deadLetterTopic = `${topic}-deadletter`;
      counted.inc({ topic: deadLetterTopic }, 0);
      router.post(deadLetterRoute(topic), (req, res) => {
        const event = req.body as { id?: unknown; type?: unknown } | undefined;
        counted.inc({ topic: deadLetterTopic });
        logger.error(
          { topic: deadLetterTopic, eventId: typeof event?.id === 'string' ? event.id : undefined },
          'an event reached a dead-letter topic',
        );
        res.json({ status: 'SUCCESS' });
      });
    }
  };
}
