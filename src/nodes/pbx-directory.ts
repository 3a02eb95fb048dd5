import { Directory } from '../connection/directory/directory';
import { createSources } from '../connection/directory/sources';
import { tlsOptions } from './connection-settings';
import { registerDirectoryRoutes } from './directory-admin';
import { nodeLog } from './node-kit';
import { localError } from './node-errors';
import { directorySettings, sourcesOf, type DirectoryDef, type DirectoryNode } from './directory-settings';
import type { NodeAPI } from './red';

/**
 * A phone book: its sources load when it starts and refresh on their own; the connections and
 * `pbx-lookup` nodes that use it ask it from memory.
 */
export = function (RED: NodeAPI): void {
  function PbxDirectory(this: DirectoryNode, def: DirectoryDef): void {
    RED.nodes.createNode(this, def);
    const log = nodeLog(this);
    let tls;
    try {
      tls = tlsOptions(RED, def.tls);
    } catch (err) {
      this.error(localError(RED, err).message);
      return;
    }
    const { plan, suffixDigits } = directorySettings(def);
    const creds = this.credentials ?? {};
    const built = createSources(
      sourcesOf(RED, def.sources),
      { carddavPassword: creds.carddavPassword, ldapPassword: creds.ldapPassword },
      tls,
      log,
    );
    for (const problem of built.problems) this.error(problem);
    const fallbackId = def.fallback && def.fallback !== def.id ? def.fallback : undefined;
    const directory = new Directory(built.sources, {
      plan,
      suffixDigits,
      log,
      fallback: () => (fallbackId ? (RED.nodes.getNode(fallbackId) as DirectoryNode | null)?.directory : undefined),
    });
    this.directory = directory;
    this.pbxSource = built.pbx;
    void directory.start();
    this.on('close', (_removed, done) => {
      void directory.close().then(() => done());
    });
  }

  RED.nodes.registerType('pbx-directory', PbxDirectory, {
    credentials: {
      carddavPassword: { type: 'password' },
      ldapPassword: { type: 'password' },
    },
  });
  registerDirectoryRoutes(RED);
};
