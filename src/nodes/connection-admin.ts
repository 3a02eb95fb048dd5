import { nameOfKey } from '../connection/store-view';
import { testLogin } from '../connection/test-login';
import { vendorEditors } from '../connection/vendors';
import { STATE_KINDS, type StateKind } from '../model/types';
import { connectionSettings, type ConnectionDef, type ConnectionNode } from './connection-settings';
import { describeError, localError } from './node-errors';
import type { HttpRequest, HttpResponse, NodeAPI } from './red';

/** The editor sends this instead of a stored password it does not know. */
const UNCHANGED_SECRET = '__PWRD__';

/**
 * Editor endpoints: the vendors, autocomplete from the live PBX, and "Test connection". All need
 * the pbx-connection permissions, so a read-only editor user cannot probe PBXs.
 */
export function registerAdminRoutes(RED: NodeAPI): void {
  // The vendors the dialog offers, their fields and which of them are required: from the registry.
  RED.httpAdmin.get(
    '/pbx-connection/vendors',
    RED.auth.needsPermission('pbx-connection.read'),
    (_req: HttpRequest, res: HttpResponse) => res.json(vendorEditors()),
  );

  RED.httpAdmin.get(
    '/pbx-connection/:id/suggestions',
    RED.auth.needsPermission('pbx-connection.read'),
    (req: HttpRequest, res: HttpResponse) => {
      const node = RED.nodes.getNode(req.params.id ?? '') as ConnectionNode | null;
      const field = String(req.query.field ?? '');
      if (!node?.connection) return res.json([]);
      const connection = node.connection;
      // Each with its name where one is known (the editor shows `41 - Alice Adams`, as text).
      connection.suggestions(field).then(
        (values) =>
          res.json(
            [...new Set(values)].sort().map((value) => {
              const name = nameOfKey(connection, value);
              return name ? { value, name } : { value };
            }),
          ),
        () => res.json([]),
      );
    },
  );

  // The state store's entries of one kind, for the pbx-state dialog (and anyone who looks).
  RED.httpAdmin.get(
    '/pbx-connection/:id/state/:kind',
    RED.auth.needsPermission('pbx-connection.read'),
    (req: HttpRequest, res: HttpResponse) => {
      const node = RED.nodes.getNode(req.params.id ?? '') as ConnectionNode | null;
      const kind = req.params.kind as StateKind;
      if (!STATE_KINDS.includes(kind))
        return res.status(400).json({ error: `kind must be one of ${STATE_KINDS.join(', ')}` });
      if (!node?.connection) return res.json([]);
      res.json(node.connection.store.entries(kind).map(([key, entry]) => ({ key, ...entry })));
    },
  );

  RED.httpAdmin.post(
    '/pbx-connection/test',
    RED.auth.needsPermission('pbx-connection.write'),
    (req: HttpRequest, res: HttpResponse) => {
      const body = (req.body ?? {}) as ConnectionDef & { credentials?: Record<string, string> };
      const stored = body.id ? (RED.nodes.getNode(String(body.id))?.credentials ?? {}) : {};
      const secret = dialogSecrets(body.credentials, stored);
      let settings;
      try {
        settings = connectionSettings(RED, body, {
          password: secret('password'),
          apiKey: secret('apiKey'),
          adminUser: secret('adminUser'),
          adminPassword: secret('adminPassword'),
        });
      } catch (err) {
        return res.json({ ok: false, kind: 'config', error: localError(RED, err).message, ...describeError(err) });
      }
      // The editor shows the result in the browser's language: code, catalog entry and parameters.
      testLogin(settings).then(({ failure, ...result }) =>
        res.json(
          result.ok ? result : { ...result, error: localError(RED, failure).message, ...describeError(failure) },
        ),
      );
    },
  );
}

/**
 * The secrets of a dialog's *Test*: what the editor sent, else (its placeholder for a password it
 * does not know, or nothing) the deployed node's.
 */
export function dialogSecrets(
  given: Record<string, string> | undefined,
  stored: Record<string, string | undefined> | undefined,
): (name: string) => string | undefined {
  return (name) => {
    const value = given?.[name];
    return value && value !== UNCHANGED_SECRET ? value : stored?.[name];
  };
}
