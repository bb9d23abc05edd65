// The npm mqtt package as a user runs it, against the broker on 127.0.0.1:<port>: subscribe to edgeai/#,
// publish one QoS 1 message, print what arrives. Exit 0 when it arrived, 1 on an error or after 10 s.
// Usage: node clients.js <port> <protocolVersion: 4 | 5> <clientId, "" for a zero-byte id, "default" for mqtt.js's own>
'use strict';
const mqtt = require('mqtt');

const [port, version, id] = process.argv.slice(2);
const options = { protocolVersion: Number(version), reconnectPeriod: 0, connectTimeout: 5000 };
if (id !== 'default') {
  options.clientId = id;
  options.clean = true;
}
const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, options);
const timer = setTimeout(() => { console.log('timeout'); process.exit(1); }, 10000);
client.on('error', (e) => { console.log('error ' + e.message); process.exit(1); });
client.on('connect', (connack) => {
  const assigned = connack.properties && connack.properties.assignedClientIdentifier;
  client.subscribe('edgeai/#', { qos: 1 }, (err) => {
    if (err) { console.log('error ' + err.message); process.exit(1); }
    client.publish('edgeai/hello', 'hi', { qos: 1 });
  });
  client.on('message', (topic, payload) => {
    clearTimeout(timer);
    console.log(`ok ${topic} ${payload}` + (assigned ? ` assigned-id` : ''));
    client.end(false, () => process.exit(0));
  });
});
