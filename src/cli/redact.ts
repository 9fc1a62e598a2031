/**
 * URLs as we print them: a password in the userinfo (`ws://user:pw@host/`) becomes `***`, in a
 * URL alone or anywhere in a message (an error may quote the URL it failed on).
 */
const USERINFO_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#@]*@/gi;

export function redactUrl(text: string): string {
  return text.replace(USERINFO_PASSWORD, '$1:***@');
}
