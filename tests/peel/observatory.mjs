// Grade one page with Mozilla's HTTP Observatory (@mdn/mdn-http-observatory), from answers fetched elsewhere.
//
// The Observatory scans a hostname over the network, which cannot reach a test server without a certificate.
// Its tests and its grader, though, only read the `Requests` its retriever fills in. So this script takes what
// was fetched for one page, as JSON on standard input, fills in a `Requests` the way the retriever does, and
// runs the package's own `scan()` on it, with only `retrieve()` swapped for one that hands that `Requests`
// back: every test, the score and the grade are then the package's own, with nothing of them copied here.
//
// Input (headers are [name, value] pairs, so that every Set-Cookie is kept):
//   {
//     "hostname": "peel.example.org",
//     "http":  [{"url", "status", "headers", "body"}, ...],  the chain from http://hostname/path, redirects followed
//     "https": [{"url", "status", "headers", "body"}, ...],  the chain from https://hostname/path
//     "preflight": {"url", "status", "headers", "requestHeaders"}  the CORS preflight (OPTIONS) of the last https URL
//   }
// Output: {"grade", "score", "statusCode", "tests": {name: {"pass", "result", "scoreModifier", "description"}}}
//
// Two things differ from a scan of a real site, both on purpose:
// - HTTPS is taken as verified (the test server has no certificate; a production one must have a valid one);
// - the HSTS preload list is empty: the package's copy is downloaded by an install script this project does
//   not run, and the grade must come from the site's own headers, not from a list its hostname may be on.

import fs from "node:fs";
import { register } from "node:module";
import { fileURLToPath } from "node:url";
import { AxiosHeaders } from "axios";

const PACKAGE = new URL("../../node_modules/@mdn/mdn-http-observatory/", import.meta.url);
const source = (path) => new URL(`src/${path}`, PACKAGE).href;
const RETRIEVER = source("retriever/retriever.js");
const REQUESTS = Symbol.for("peel.observatory.requests");

// scanner/index.js imports retrieve() from retriever.js: resolve that one module to a stand-in instead.
const standIn = `export async function retrieve() { return globalThis[Symbol.for("peel.observatory.requests")]; }
retrieve.standIn = true;`;
const hooks = `
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (resolved.url === ${JSON.stringify(RETRIEVER)}) {
    return { url: ${JSON.stringify(`data:text/javascript,${encodeURIComponent(standIn)}`)}, shortCircuit: true };
  }
  return resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

// analyzer/hsts.js reads conf/hsts-preload.json with fs.readFileSync on first use.
const preloadList = fs.realpathSync(fileURLToPath(PACKAGE)) + "/conf/hsts-preload.json";
const readFileSync = fs.readFileSync;
fs.readFileSync = function (file, ...rest) {
  return file === preloadList ? "{}" : readFileSync.call(this, file, ...rest);
};

const { retrieve } = await import(RETRIEVER);
if (!retrieve.standIn) {
  // Never let the real retriever loose: it would scan the hostname on the internet.
  throw new Error(`the stand-in for ${RETRIEVER} was not used, so the scan would go to the network`);
}
const { Requests, HTML_TYPES } = await import(source("types.js"));
const { Session } = await import(source("retriever/session.js"));
const { parseHttpEquivHeaders } = await import(source("retriever/utils.js"));
const { CONFIG } = await import(source("config.js"));
const { scan } = await import(source("scanner/index.js"));

/** Headers as axios gives them from Node: lower-case names, Set-Cookie a list, other repeats joined. */
function axiosHeaders(pairs) {
  const headers = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    if (key === "set-cookie") {
      headers[key] = [...(headers[key] ?? []), value];
    } else {
      headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
    }
  }
  return new AxiosHeaders(headers);
}

/** An axios response, with the `verified` flag the retriever's Session adds. */
function response(answer, requestHeaders = []) {
  return {
    status: answer.status,
    statusText: "",
    headers: axiosHeaders(answer.headers),
    data: answer.body ?? "",
    config: { url: answer.url },
    // The real request object carries no readable headers, so the package's CORS test never sees the Origin
    // it sent; giving it the Origin lets the test tell a reflected origin with credentials from a fixed one.
    request: { headers: axiosHeaders(requestHeaders) },
    verified: true,
  };
}

/** The Session a retriever would have after following `chain`: its URL, redirects, last answer, cookies. */
function session(chain) {
  const first = new URL(chain[0].url);
  const result = new Session(first);
  result.redirectHistory = chain.map((answer) => ({ url: new URL(answer.url), status: answer.status }));
  result.response = response(chain[chain.length - 1]);
  // As http-cookie-agent stores each answer's cookies on the way.
  for (const answer of chain) {
    for (const [name, value] of answer.headers) {
      if (name.toLowerCase() === "set-cookie") {
        result.jar.setCookieSync(value, answer.url, { ignoreError: true });
      }
    }
  }
  return result;
}

function requests(fetched) {
  const origin = fetched.preflight.requestHeaders.find(([name]) => name.toLowerCase() === "origin")?.[1];
  if (origin !== CONFIG.retriever.corsOrigin) {
    throw new Error(`the preflight came from ${origin}, not the Observatory's ${CONFIG.retriever.corsOrigin}`);
  }
  const result = new Requests(fetched.hostname);
  const http = session(fetched.http);
  const https = session(fetched.https);
  result.responses.http = http.response;
  result.responses.https = https.response;
  // The retriever keeps the plain-http chain for both (httpsRedirects too).
  result.responses.httpRedirects = http.redirectHistory;
  result.responses.httpsRedirects = http.redirectHistory;
  result.responses.auto = https.response;
  result.session = https;
  result.resources.path = https.response.data;
  result.responses.cors = response(fetched.preflight, fetched.preflight.requestHeaders);
  const auto = result.responses.auto;
  const mime = auto.headers["content-type"]?.split(";")[0];
  auto.httpEquiv =
    HTML_TYPES.has(mime) && result.resources.path
      ? parseHttpEquivHeaders(result.resources.path, result.session.url.href)
      : new Map();
  return result;
}

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const fetched = JSON.parse(Buffer.concat(chunks).toString("utf8"));
globalThis[REQUESTS] = requests(fetched);
const { scan: summary, tests } = await scan(fetched.hostname);
const results = {};
for (const [name, test] of Object.entries(tests)) {
  results[name] = {
    pass: test.pass,
    result: test.result,
    scoreModifier: test.scoreModifier,
    description: (test.scoreDescription ?? "").replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim(),
  };
}
process.stdout.write(
  JSON.stringify({ grade: summary.grade, score: summary.score, statusCode: summary.statusCode, tests: results }) +
    "\n",
);
