// Credentials taken out of text the product prints (error messages, server replies echoed in
// them, endpoint URLs): S3, Athena, CloudTrail Lake and Event history errors and the CLI's last
// resort all go through this one function.

/**
 * Text with credentials taken out: the password of a URL (`https://user:secret@host`), an
 * Authorization header (SigV4 or other), session tokens and presigned-URL credentials and
 * signatures, access key ids, a run of 40 key characters standing alone (a secret access key),
 * and any long base64 run (a session token without its label).
 */
export function redactSecrets(text: string): string {
  return (
    text
      // The user-info ends at the authority's last '@' (a password may hold one unescaped); a
      // quote or bracket ends the URL in quoted JSON or markup.
      .replace(/\b([a-z][\w+.-]*:\/\/)[^\s/?#"<>]*@/gi, '$1<redacted>@')
      .replace(/(authorization["']?\s*[:=]\s*)[^\r\n<>"]*/gi, '$1<redacted>')
      .replace(/AWS4-HMAC-SHA256[^\r\n<>"]*/g, 'AWS4-HMAC-SHA256 <redacted>')
      .replace(
        /((?:x-amz-security-token|x-amz-credential|x-amz-signature|security-token|session-?token|signature)["']?\s*[:=]\s*)[^\s&"'<>,;]+/gi,
        '$1<redacted>',
      )
      .replace(/\b(?:AKIA|ASIA|AROA|AIDA|ANPA|AGPA|ABIA|ACCA)[A-Z0-9]{12,}\b/g, '<redacted key id>')
      .replace(/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/g, '<redacted>')
      .replace(/[A-Za-z0-9+/=%]{80,}/g, '<redacted>')
  );
}

/**
 * A URL without its user-info (`https://user:secret@host` → `https://host`), for what is kept or
 * shared. The host is what follows the authority's last '@', as URL parsers read it, so a
 * password holding an unescaped '@' goes whole. Anything else is returned as it is.
 */
export function withoutUserInfo(url: string): string {
  return url.replace(/^([a-z][\w+.-]*:\/\/)[^/?#]*@/i, '$1');
}

/**
 * The name of an SDK error, to branch on and to print: the SDK takes it from the error's type in
 * the server's reply, which a hostile or broken endpoint chooses (the request's own session
 * token or Authorization header, say). Only a plain error name is kept ('' otherwise), and one
 * that looks like a key is redacted.
 */
export function serviceErrorName(e: unknown): string {
  const name = (e as { name?: unknown } | null)?.name;
  return typeof name === 'string' && /^[\w.-]{1,64}$/.test(name) ? redactSecrets(name) : '';
}
