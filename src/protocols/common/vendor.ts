import type { ConnectionOptions } from 'tls';
import type { AdapterEvents, ConnectionSettings, VendorAdapter } from './adapter';
import { givenYes } from './values';

/** The properties of a `pbx-connection` node as the editor stores them (plain JSON). */
export type SettingSource = Readonly<Record<string, unknown>>;
/** The node's credentials (passwords, keys): plain strings, absent where never entered. */
export type SettingSecrets = Readonly<Record<string, string | undefined>>;

/**
 * A connection configuration that cannot work. The node layer shows it as the `NodeError` of the
 * same code, catalog key (`errors.<key>`) and parameters: protocols speak no Node-RED.
 */
export class SettingError extends Error {
  constructor(
    readonly code: 'PBX_MISSING_PROPERTY' | 'PBX_INVALID_INPUT',
    readonly key: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(`${code}: ${key} ${JSON.stringify(params)}`);
    this.name = 'SettingError';
  }
}

/** A field of the `pbx-connection` dialog; with `when`, shown only while another property has that value. */
export type EditorField = string | { readonly name: string; readonly when: Readonly<Record<string, string>> };

/**
 * How the `pbx-connection` dialog shows a vendor; the editor gets it from the registry
 * (`GET pbx-connection/vendors`). Its texts are catalog keys named by the id:
 * `vendor.<id>` (the choice), `hint.<id>` (the note under the dialog), `placeholder.url.<id>`
 * (where `urlPlaceholder` is empty because the URL is derived).
 */
export interface VendorEditor {
  /** The node's properties and credentials the vendor reads, in dialog order. */
  readonly fields: readonly EditorField[];
  /** The properties the dialog marks invalid while blank: those the vendor cannot log in without. */
  readonly required: readonly string[];
  readonly urlPlaceholder: string;
}

/**
 * Everything the package knows of one vendor (its folder's `index.ts`): adding a vendor means
 * one of these and one line in the registry (`src/connection/vendors.ts`).
 */
export interface VendorDescriptor<O extends object, Id extends string = string> {
  readonly id: Id;
  /**
   * Reads the vendor's own options from the node's properties and credentials; throws a
   * SettingError naming what is missing or wrong.
   */
  settings(def: SettingSource, credentials: SettingSecrets): O;
  /**
   * The adapter factory. Written as a method (not a function-typed property) so the registry
   * can hold descriptors of different option types in one list.
   */
  create(settings: ConnectionSettings<O>, events: AdapterEvents): VendorAdapter;
  readonly editor: VendorEditor;
  /** Vendor-specific changes to the TLS options a tls-config node gave (returns new options). */
  adjustTls?(options: O, tls: ConnectionOptions): ConnectionOptions;
}

/** A property as typed in the editor, outer blanks removed; '' when absent. */
export function textSetting(def: SettingSource, name: string): string {
  return String(def[name] ?? '').trim();
}

/** A property without which the vendor cannot connect. */
export function requiredSetting(def: SettingSource, name: string): string {
  const value = textSetting(def, name);
  if (!value) throw missingSetting(name);
  return value;
}

export function missingSetting(name: string): SettingError {
  return new SettingError('PBX_MISSING_PROPERTY', 'missingSetting', { name });
}

/** A checkbox property: the editor stores `true`, an imported flow may say `'true'`. */
export function flagSetting(def: SettingSource, name: string): boolean {
  return givenYes(def[name]) ?? false;
}
