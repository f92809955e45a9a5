/**
 * `java.util.regex` on JavaScript's RegExp: Java's `Pattern.compile` and `Matcher.matches()` (the whole
 * input must match) and `Matcher.replaceFirst` replacement strings (`$1`, `${name}`, `\$` escapes).
 * Java-only syntax (possessive quantifiers, `\A`, `\Z`, inline flags other than at the start) is not
 * translated and fails to compile, which the config validators report.
 */

/** Compiles a Java regex; the result matches the whole input only (`matches()` semantics). */
export function compileJavaRegex(source: string): RegExp {
  let flags = 'u'
  let body = source
  // A leading inline flag group `(?i)` / `(?s)` / `(?m)` / `(?x)`-free combos map to RegExp flags.
  const inline = /^\(\?([imsu]+)\)/.exec(body)
  if (inline !== null) {
    for (const f of inline[1]!) if (f !== 'u' && !flags.includes(f)) flags += f
    body = body.slice(inline[0].length)
  }
  // Java's named groups `(?<name>…)` are JavaScript's too; `\p{Alpha}` style POSIX classes are not.
  return new RegExp(`^(?:${body})$`, flags)
}

/** Java's `Matcher.replaceFirst(replacement)` after a successful `matches()`: the replacement expanded. */
export function expandJavaReplacement(replacement: string, match: RegExpExecArray): string {
  let out = ''
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!
    if (c === '\\') {
      i++
      if (i >= replacement.length) throw new Error('character to be escaped is missing')
      out += replacement[i]
    } else if (c === '$') {
      i++
      if (i >= replacement.length) throw new Error('Illegal group reference: group index is missing')
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i)
        if (end < 0) throw new Error("named capturing group is missing trailing '}'")
        const name = replacement.slice(i + 1, end)
        const groups = match.groups ?? {}
        if (!Object.hasOwn(groups, name)) throw new Error(`No group with name {${name}}`)
        out += groups[name] ?? ''
        i = end
      } else {
        const d = replacement.charCodeAt(i) - 48
        if (d < 0 || d > 9) throw new Error('Illegal group reference')
        let group = d
        if (group >= match.length) throw new Error(`No group ${group}`)
        // Java takes more digits while the number stays a valid group.
        while (i + 1 < replacement.length) {
          const n = replacement.charCodeAt(i + 1) - 48
          if (n < 0 || n > 9 || group * 10 + n >= match.length) break
          group = group * 10 + n
          i++
        }
        out += match[group] ?? ''
      }
    } else out += c
  }
  return out
}
