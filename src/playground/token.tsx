// The playground's token: an API token (skn_…) or an SSO access token, sent as
// `Authorization: Bearer …` with every operation. Kept in sessionStorage, so it lives as long as
// the browser tab and is gone when the tab closes (localStorage would keep a credential on disk
// for good, readable by every later visit).
import { useState, type FormEvent } from 'react';

const STORAGE_KEY = 'skein:token';

export function readToken(): string {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return ''; // storage blocked (a sandboxed frame): the token lives in memory only
  }
}

function keepToken(token: string): void {
  try {
    if (token) sessionStorage.setItem(STORAGE_KEY, token);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage blocked: nothing to keep it in
  }
}

/** "Bearer abc" pasted whole is the token "abc"; spaces around it are a paste's, not the token's. */
function cleaned(text: string): string {
  return text.trim().replace(/^Bearer\s+/i, '');
}

export function TokenField({ token, onChange }: { token: string; onChange: (token: string) => void }) {
  const [draft, setDraft] = useState(token);
  const apply = (value: string) => {
    keepToken(value);
    onChange(value);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(cleaned(draft));
  };
  return (
    <form className="skein-token" onSubmit={submit} aria-label="Authorization">
      <label htmlFor="skein-token-input">Token</label>
      <input
        id="skein-token-input"
        type="password"
        autoComplete="off"
        spellCheck={false}
        placeholder="skn_… or an SSO access token; sent as Authorization: Bearer with every operation"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => cleaned(draft) !== token && apply(cleaned(draft))}
      />
      <button type="submit">Use</button>
      <button
        type="button"
        onClick={() => {
          setDraft('');
          apply('');
        }}
        disabled={!token && !draft}
      >
        Clear
      </button>
      <span className="skein-token-state" role="status">
        {token ? 'Signed in with a token (kept for this tab only)' : 'No token: anonymous'}
      </span>
    </form>
  );
}
