import type { DirectoryStatus } from '../connection/directory/directory';
import { payloadFields, typedValue } from './node-kit';
import { localError, NodeError } from './node-errors';
import type { DirectoryNode } from './directory-settings';
import type { Node, NodeAPI, NodeDef } from './red';

interface LookupDef extends NodeDef {
  directory?: string;
  number?: string;
  numberType?: string;
}

/** The catalog of the directory's texts, shared with `pbx-lookup`. */
const CATALOG = '@pbxflow/node-red-pbx/pbx-directory:pbx-directory.';

/**
 * Number -> contact from the phone book's memory (`msg.payload` the contact or null, `msg.known`);
 * `msg.payload = {name}` -> the contacts whose name contains it. Its status is the directory's.
 */
export = function (RED: NodeAPI): void {
  function PbxLookup(this: Node, def: LookupDef): void {
    RED.nodes.createNode(this, def);
    const config = def.directory ? (RED.nodes.getNode(def.directory) as DirectoryNode | null) : null;
    const directory = config?.directory;
    if (directory) {
      const show = (): void => this.status(statusOf(RED, directory.status()));
      show();
      const stop = directory.onChange(show);
      this.on('close', (_removed, done) => {
        stop();
        done();
      });
    } else {
      this.status({ fill: 'red', shape: 'ring', text: `${CATALOG}status.noDirectory` });
    }
    this.on('input', (msg, send, done) => {
      if (!directory)
        return done(localError(RED, new NodeError('PBX_MISSING_PROPERTY', 'missingProperty', { name: 'directory' })));
      const wantedName = payloadFields(msg).name;
      if (typeof wantedName === 'string') {
        msg.payload = directory.search(wantedName);
        msg.known = (msg.payload as unknown[]).length > 0;
        send(msg);
        return done();
      }
      typedValue(RED, this, msg, def.number || 'payload', def.numberType || 'msg').then(
        (number) => {
          if (typeof number !== 'string' && typeof number !== 'number') {
            return done(localError(RED, new NodeError('PBX_INVALID_INPUT', 'notText', { name: 'number' })));
          }
          const contact = directory.find(String(number));
          msg.payload = contact ?? null;
          msg.known = contact !== undefined;
          send(msg);
          done();
        },
        (err: unknown) => done(localError(RED, err)),
      );
    });
  }
  RED.nodes.registerType('pbx-lookup', PbxLookup);
};

function statusOf(
  RED: NodeAPI,
  status: DirectoryStatus,
): { fill: DirectoryStatus['fill']; shape: DirectoryStatus['shape']; text: string } {
  const { count, label, since, error } = status.params;
  const text = RED._(`${CATALOG}status.${status.key}`, {
    count: count.toLocaleString('en-US'),
    label: label ?? '',
    since: since === undefined ? '' : new Date(since).toTimeString().slice(0, 5),
    error: error ?? '',
  });
  return { fill: status.fill, shape: status.shape, text };
}
