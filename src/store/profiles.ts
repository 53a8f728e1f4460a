import { LEFT_UNTOUCHED, StoreError } from './errors.js';
import { JsonStore } from './json-store.js';
import type { LockOptions } from './lock.js';

export interface Profile {
  api_key?: string;
  base_url?: string;
}

interface ConfigFile extends Record<string, unknown> {
  default_profile?: string;
  profiles?: Record<string, Profile>;
}

/** Profiles (name -> API key, base URL) and the default profile, in config.json. */
export class ProfileStore {
  readonly #store: JsonStore<ConfigFile>;

  constructor(dir: string, lock: LockOptions = {}) {
    this.#store = new JsonStore<ConfigFile>(dir, 'config', 'configuration', lock);
  }

  get path(): string {
    return this.#store.path;
  }

  #load(): { defaultProfile: string | undefined; profiles: Record<string, Profile> } {
    const data = this.#store.read();
    const profiles = data.profiles ?? {};
    if (typeof profiles !== 'object' || Array.isArray(profiles) || profiles === null) {
      throw new StoreError(`The configuration file ${this.path} has no valid "profiles" object.`, this.path, LEFT_UNTOUCHED);
    }
    const defaultProfile = typeof data.default_profile === 'string' ? data.default_profile : undefined;
    return { defaultProfile, profiles };
  }

  defaultProfile(): string | undefined {
    return this.#load().defaultProfile;
  }

  get(name: string): Profile | undefined {
    const profile = this.#load().profiles[name];
    return profile && typeof profile === 'object' ? profile : undefined;
  }

  names(): string[] {
    return Object.keys(this.#load().profiles).sort();
  }

  /** Stores a key (and base URL); the first profile stored becomes the default. */
  async save(name: string, profile: Profile): Promise<{ madeDefault: boolean }> {
    return this.#store.update((current) => {
      const profiles = { ...(current.profiles ?? {}) };
      profiles[name] = { ...profiles[name], ...profile };
      const madeDefault = current.default_profile === undefined;
      return { next: { ...current, profiles, default_profile: current.default_profile ?? name }, result: { madeDefault } };
    });
  }

  /** Removes the stored key; the profile's other settings stay. Returns whether there was a key. */
  async removeKey(name: string): Promise<boolean> {
    return this.#store.update((current) => {
      const profiles = { ...(current.profiles ?? {}) };
      const existing = profiles[name];
      if (!existing?.api_key) return { next: current as ConfigFile, result: false };
      const { api_key: _removed, ...rest } = existing;
      profiles[name] = rest;
      return { next: { ...current, profiles }, result: true };
    });
  }

  async setDefault(name: string): Promise<void> {
    await this.#store.update((current) => ({ next: { ...current, default_profile: name }, result: undefined }));
  }
}
