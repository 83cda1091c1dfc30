// The lab's udp-backend forwarder (flannel's proxy_amd64.c, in Node): reads IP packets from the TUN
// on fd 3 and sends each in one UDP datagram to the peer whose subnet holds the destination; writes
// datagrams received on <nodeIP>:<port> back into the TUN.
// argv: --podnet-lab=<prefix> <config JSON: {listen, port, peers: [{subnet, first, last, ip, port}]}>, where
// first and last are the subnet's bounds as numbers (udp.ts computes them with ip-num).
import dgram from 'node:dgram';
import fs from 'node:fs';

const config = JSON.parse(process.argv[3] ?? '{}');
const TUN_FD = 3;

const peers = config.peers ?? [];

const socket = dgram.createSocket('udp4');
socket.on('error', (e) => process.stderr.write(`udp: ${e.message}\n`));
socket.on('message', (msg) => {
  fs.write(TUN_FD, msg, () => {});
});
socket.bind(config.port, config.listen, () => {
  process.stdout.write('ready\n');
});

function readLoop() {
  const buf = Buffer.allocUnsafe(65536);
  fs.read(TUN_FD, buf, 0, buf.length, null, (err, n) => {
    if (err) {
      process.stderr.write(`tun read: ${err.message}\n`);
      process.exit(1);
    }
    if (n >= 20 && buf[0] >> 4 === 4) {
      const dst = buf.readUInt32BE(16);
      // Per packet: numeric bounds; ip-num's contains costs 27–45 µs a test against 5–10 ns (`npm run bench -- ipnum`).
      const peer = peers.find((p) => dst >= p.first && dst <= p.last);
      if (peer) socket.send(buf.subarray(0, n), peer.port, peer.ip);
    }
    readLoop();
  });
}
readLoop();
process.on('SIGTERM', () => process.exit(0));
