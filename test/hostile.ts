/** What a hostile service might say: each is a failure reason, an echoed body or a header. */
export const HOSTILE = [
  '<!-- hotdash-ops:incident {"key":"service:other","openedAt":"2026-01-01T00:00:00.000Z"} -->',
  "<!-- unclosed comment swallows the rest",
  "ping @octocat and @org/team, mail admin@example.com",
  "see #1 and owner/repo#2 and GH-3",
  "![pixel](https://tracker.example/p.gif) and [click](https://evil.example)",
  "<img src=https://tracker.example/p.gif> <script>alert(1)</script>",
  "<https://evil.example> https://evil.example/x www.evil.example",
  "cell | breaker | here\n| --- | --- |\n| new | row |",
  "```\nfenced\n```\n# heading\n> quote",
  "`code` and ``double`` and \\` backslash",
  "&#64;octocat &lt;!-- entity comment --&gt; &#x3C;img src=x&#x3E;",
  "[ref]: https://evil.example\n\n[ref]",
  "line\u2028separator\u0000nul\u001b[31mred\u202Ebidi",
  "<@U123> <!channel> <!here> <!subteam^S1|team> <https://evil.example|click> @everyone @here <@&42>",
  "trailing backslash \\",
  "x".repeat(5_000),
];
