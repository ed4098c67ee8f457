// Kept apart from dapr.ts: the SDK costs ~60 MB of RSS, so only services that publish load it.
import { CommunicationProtocolEnum, DaprClient } from '@dapr/dapr';
import type { Publisher, SidecarAddress } from './dapr.ts';

/** The SDK client for pub/sub, bound to the app's sidecar with its API token. */
export function createDaprClient(sidecar: SidecarAddress): DaprClient {
  return new DaprClient({
    daprHost: sidecar.host,
    daprPort: String(sidecar.httpPort),
    daprApiToken: sidecar.apiToken,
    communicationProtocol: CommunicationProtocolEnum.HTTP,
  });
}

export function createPublisher(client: DaprClient, pubsubName: string): Publisher {
  return {
    async publish(topic, data) {
      const result = await client.pubsub.publish(pubsubName, topic, data);
      if (result.error) throw result.error;
    },
  };
}
