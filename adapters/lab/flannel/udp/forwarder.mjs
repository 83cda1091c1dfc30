// The lab's udp-backend forwarder (flannel's proxy_amd64.c, in Node): reads IP packets from the TUN
// on fd 3 and sends each in one UDP datagram to the peer whose subnet holds the destination; writes
// datagrams received on <nodeIP>:<port> back into the TUN.
// argv: --podnet-lab=<prefix> <config JSON: {listen, port, peers: [{subnet, ip, port}]}>
import dgram from 'node:dgram';
import fs from 'node:fs';

const config = JSON.parse(process.argv[3] ?? '{}');
const TUN_FD = 3;

function parseIp(text) {
  return text.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}
const peers = (config.peers ?? []).map((p) => {
  const [base, len] = p.subnet.split('/');
  const size = 2 ** (32 - Number(len));
  return { base: parseIp(base), size, ip: p.ip, port: p.port };
});

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
      const peer = peers.find((p) => dst >= p.base && dst < p.base + p.size);
      if (peer) socket.send(buf.subarray(0, n), peer.port, peer.ip);
    }
    readLoop();
  });
}
readLoop();
process.on('SIGTERM', () => process.exit(0));
