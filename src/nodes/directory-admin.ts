import { ContactIndex } from '../connection/directory/contact-index';
import { createSource } from '../connection/directory/sources';
import type { SourceConfig } from '../connection/directory/source-config';
import { errorText } from '../protocols/common/errors';
import { dialogSecrets } from './connection-admin';
import { tlsOptions } from './connection-settings';
import { localError } from './node-errors';
import { directorySettings, sourcesOf, type DirectoryDef, type DirectoryNode } from './directory-settings';
import type { HttpRequest, HttpResponse, NodeAPI } from './red';

const SAMPLES = 3;

/**
 * Editor endpoints of `pbx-directory`: *Test* one source as the dialog has it (count and three
 * sample contacts, or the error), and "try a number" against the deployed directory.
 */
export function registerDirectoryRoutes(RED: NodeAPI): void {
  RED.httpAdmin.post(
    '/pbx-directory/test-source',
    RED.auth.needsPermission('pbx-directory.write'),
    (req: HttpRequest, res: HttpResponse) => {
      const body = (req.body ?? {}) as DirectoryDef & { source?: SourceConfig; credentials?: Record<string, string> };
      testSource(RED, body).then(
        (result) => res.json(result),
        (err: unknown) => res.json({ ok: false, error: errorText(localError(RED, err)) }),
      );
    },
  );

  RED.httpAdmin.get(
    '/pbx-directory/:id/try',
    RED.auth.needsPermission('pbx-directory.read'),
    (req: HttpRequest, res: HttpResponse) => {
      const node = RED.nodes.getNode(req.params.id ?? '') as DirectoryNode | null;
      if (!node?.directory) return res.json({ deployed: false });
      const match = node.directory.match(String(req.query.number ?? ''));
      res.json({ deployed: true, contact: match?.contact ?? null, rule: match?.rule ?? null, key: match?.key ?? null });
    },
  );
}

async function testSource(
  RED: NodeAPI,
  body: DirectoryDef & { source?: SourceConfig; credentials?: Record<string, string> },
) {
  const [config] = sourcesOf(RED, body.source ? [body.source] : []) as Array<SourceConfig | undefined>;
  if (!config?.type) return { ok: false, error: 'no source given' };
  const label = String(config.label ?? '').trim() || config.type;
  const { plan, suffixDigits } = directorySettings(body);
  const deployed = body.id ? (RED.nodes.getNode(String(body.id)) as DirectoryNode | null) : null;
  // The PBX's users live in the deployed connections; nothing else can show them.
  const source =
    config.type === 'pbx'
      ? deployed?.pbxSource
      : createSource(config, secretsOf(body, deployed), tlsOptions(RED, body.tls), () => {});
  if (!source) return { ok: false, error: 'deploy the directory first: the PBX users come from its connections' };
  try {
    const { contacts, skipped } = await source.load();
    const index = await ContactIndex.build(label, contacts, plan, suffixDigits);
    const samples = index.entries.slice(0, SAMPLES).map((e) => index.contact(e, e.number));
    return { ok: true, count: index.size, skipped: skipped + index.unusable, samples };
  } catch (err) {
    return { ok: false, error: errorText(err) };
  } finally {
    if (config.type !== 'pbx') await source.close();
  }
}

function secretsOf(body: { credentials?: Record<string, string> }, deployed: DirectoryNode | null) {
  const secret = dialogSecrets(body.credentials, deployed?.credentials);
  return { carddavPassword: secret('carddavPassword'), ldapPassword: secret('ldapPassword') };
}
