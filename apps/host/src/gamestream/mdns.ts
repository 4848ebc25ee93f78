// Advertises the host as _nvstream._tcp (the service type Moonlight browses
// for) so clients on the LAN list it without an address typed in. ciao
// implements the responder side of RFC 6762/6763: probing, conflict
// renaming, goodbye packets on shutdown.
import ciao, { type Responder } from '@homebridge/ciao';

export interface MdnsAdvertisement {
  close(): Promise<void>;
}

/** Starts advertising; probing the name takes a moment, so the host does not wait for it. */
export function advertiseGameStream(o: {
  hostName: string;
  httpPort: number;
  log(line: string): void;
}): MdnsAdvertisement {
  const responder: Responder = ciao.getResponder();
  const service = responder.createService({ name: o.hostName, type: 'nvstream', port: o.httpPort });
  service.on('name-change', (name: string) => o.log(`mDNS: name taken on the LAN, advertising as '${name}'`));
  service.advertise().then(
    () => o.log(`mDNS: advertising '${service.getFQDN()}' on port ${o.httpPort}`),
    (error: Error) => o.log(`mDNS: cannot advertise (${error.message}); clients must type the address`),
  );
  return {
    close: async () => {
      await service.end();
      await responder.shutdown();
    },
  };
}
