// Verify an Academy credential with Digital Bazaar's libraries, a second
// implementation that shares no code with the Academy's Python verifier.
//
// Usage: node verify.mjs CREDENTIAL.json DOCUMENTS.json
//
// DOCUMENTS.json maps URL -> JSON document: the JSON-LD contexts, the issuer's
// DID document and the status-list credential. The document loader serves
// those and refuses every other URL, so nothing is fetched from the network.
// Prints one JSON line {verified, status, error} and exits 0 only when the
// proof verifies and the revocation bit is clear.
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';

const [credentialPath, documentsPath] = process.argv.slice(2);
const credential = JSON.parse(readFileSync(credentialPath, 'utf8'));
const documents = JSON.parse(readFileSync(documentsPath, 'utf8'));

async function documentLoader(url) {
  const [base, fragment] = url.split('#');
  const document = documents[base];
  if(document === undefined) {
    throw new Error(`Refused to load ${url}: not provided offline.`);
  }
  if(fragment !== undefined && base.startsWith('did:')) {
    // A DID URL names one verification method of the DID document.
    const method = (document.verificationMethod || []).find(
      m => m.id === url);
    if(!method) {
      throw new Error(`${url} is not in the DID document.`);
    }
    return {
      contextUrl: null,
      documentUrl: url,
      document: {'@context': document['@context'], ...method}
    };
  }
  return {contextUrl: null, documentUrl: url, document};
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

// Bitstring Status List v1.0: verify the list credential, then read the bit.
async function checkStatus({credential}) {
  const entry = credential.credentialStatus;
  if(entry.type !== 'BitstringStatusListEntry') {
    return {verified: false, error: `unsupported status ${entry.type}`};
  }
  const {document: list} = await documentLoader(entry.statusListCredential);
  const listResult = await vc.verifyCredential({
    credential: list, suite, documentLoader
  });
  if(!listResult.verified) {
    return {verified: false, error: 'status list credential does not verify'};
  }
  const encoded = list.credentialSubject.encodedList;
  if(!encoded.startsWith('u')) {
    return {verified: false, error: 'encodedList is not multibase base64url'};
  }
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  const index = Number.parseInt(entry.statusListIndex, 10);
  const set = (bits[index >> 3] & (0x80 >> (index % 8))) !== 0;
  return {verified: !set, revoked: set};
}

let output;
try {
  const result = await vc.verifyCredential({
    credential, suite, documentLoader, checkStatus
  });
  const error = result.error ?
    (result.error.errors || [result.error]).map(e => e.message).join('; ') :
    null;
  output = {
    verified: result.verified,
    status: result.statusResult || null,
    error
  };
} catch(e) {
  output = {verified: false, status: null, error: String(e && e.message)};
}
process.stdout.write(JSON.stringify(output) + '\n');
process.exit(output.verified ? 0 : 1);
