import { describe, expect, test } from 'vitest';
import {
  htmlInjections,
  htmlTags,
  markdownInjections,
  workflowCommandInjections,
  xmlInjections,
} from './markup.ts';

describe('htmlInjections', () => {
  test('escaped payloads, also inside attributes and JSON script blocks, are clean', () => {
    const html = [
      '<!doctype html><html><head><script type="application/json" id="i">{"t":"\\u003cpnxtag pnxattr=1\\u003e"}</script>',
      '<script>filter()</script></head><body>',
      '<td data-ns="x/&quot;&gt;&lt;pnxtag pnxattr=&quot;1&quot;&gt;">&lt;pnxtag pnxattr=1&gt; pnxscript()</td>',
      '</body></html>',
    ].join('');
    expect(htmlInjections(html)).toEqual([]);
  });

  test('an element, an attribute, a javascript: URL, a running script and a cut JSON block are found', () => {
    expect(htmlInjections('<td>pnx<pnxtag pnxattr=1></td>')).toEqual([
      'an injected <pnxtag> element',
      'an injected pnxattr attribute on <pnxtag>',
    ]);
    expect(htmlInjections('<td title="a" pnxattr="1">x</td>')).toEqual([
      'an injected pnxattr attribute on <td>',
    ]);
    expect(htmlInjections('<a href="javascript:pnxscript()">x</a>')).toEqual([
      'a javascript: URL in href of <a>',
    ]);
    expect(htmlInjections('<p></script><script>pnxscript()</script></p>')).toEqual([
      'an injected <script> runs pnxscript()',
    ]);
    expect(
      htmlInjections(
        '<script type="application/json">{"t":"</script><script>pnxscript()</script>"}</script>',
      ),
    ).toEqual([
      'a JSON <script> block cut short (a payload closed it)',
      'an injected <script> runs pnxscript()',
    ]);
  });

  test('htmlTags reads quoted and unquoted attributes and raw text', () => {
    expect(htmlTags("<a href='x y' b=c d><style>p>q{}</style>")).toEqual([
      {
        name: 'a',
        attributes: [
          { name: 'href', value: 'x y' },
          { name: 'b', value: 'c' },
          { name: 'd', value: '' },
        ],
      },
      { name: 'style', attributes: [], text: 'p>q{}' },
    ]);
  });
});

describe('xmlInjections', () => {
  test('a payload inside CDATA (split at ]]>) or escaped is clean', () => {
    const xml =
      '<?xml version="1.0"?><testsuite><testcase name="&lt;pnxtag/&gt;"><failure><![CDATA[a]]]]><![CDATA[><pnxtag/>]]></failure></testcase></testsuite>';
    expect(xmlInjections(xml)).toEqual([]);
  });

  test('a CDATA break, an injected attribute and forbidden characters are found', () => {
    expect(xmlInjections('<failure><![CDATA[a]]><pnxtag/>]]></failure>')).toEqual([
      'an injected <pnxtag> element',
    ]);
    expect(xmlInjections('<testcase name="a" pnxattr="1"/>')).toEqual([
      'an injected pnxattr attribute on <testcase>',
    ]);
    expect(xmlInjections('<a>\u001b[31m</a>')).toEqual([
      'a character XML 1.0 forbids (0x1b): not well-formed',
    ]);
  });
});

describe('markdownInjections', () => {
  test('an escaped link and payloads inside a fenced code block are clean', () => {
    expect(markdownInjections('a \\[l\\](javascript:pnxscript()) b\n')).toEqual([]);
    expect(
      markdownInjections(
        '````yaml\n<pnxtag> [l](javascript:pnxscript())\n## pnxhead\n```\n| a | pnxcell |\n````\n',
      ),
    ).toEqual([]);
    // A fence shorter than the opening one does not close the block; after the real close, markup counts.
    expect(markdownInjections('````\n```\n## pnxhead\n````\n## pnxhead\n')).toEqual([
      'a heading injected by a newline in a field',
    ]);
  });

  test('escaped table cells and inline text are clean', () => {
    expect(markdownInjections('| a \\| pnxcell \\| b | &lt;pnxtag&gt; |\n## podnet\n')).toEqual([]);
  });

  test('raw HTML, javascript: links, injected headings and cells are found', () => {
    expect(
      markdownInjections('| x <pnxtag> | [l](javascript:pnxscript()) |\n## pnxhead\n| a | pnxcell |\n'),
    ).toEqual([
      'raw HTML from a payload (<pnx…>)',
      'a javascript: link from a payload',
      'a heading injected by a newline in a field',
      'a table cell injected by an unescaped |',
    ]);
  });
});

describe('workflowCommandInjections', () => {
  test("podnet's own escaped annotations are clean", () => {
    const own =
      '::error title=podnet LEAK NP<pnxtag>%3A%2C::title %0A::warning::pnxcmd %250A::set-output name=a::pnxcmd\nsummary line\n';
    expect(workflowCommandInjections(own)).toEqual([]);
  });

  test('a command line that a newline in a field started, and a legacy ##[ command, are found', () => {
    expect(workflowCommandInjections('title\n::warning::pnxcmd\n   ::add-mask::pnxcmd\n')).toEqual([
      "a workflow command line not podnet's own: ::warning::pnxcmd",
      "a workflow command line not podnet's own: ::add-mask::pnxcmd",
    ]);
    expect(workflowCommandInjections('::error title=a,line=1::x\n')).toEqual([
      "a workflow command line not podnet's own: ::error title=a,line=1::x",
    ]);
    expect(workflowCommandInjections('  leak: x ##[add-mask]pnxcmd\n')).toEqual([
      'a legacy ##[command] from a payload:   leak: x ##[add-mask]pnxcmd',
    ]);
  });
});
