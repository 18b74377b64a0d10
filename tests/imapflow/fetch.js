'use strict';
/*
 * fetch.js: log in, list, open INBOX, fetch every message's UID, flags,
 * size, envelope and body structure, download two body parts and a whole
 * message, log out. Prints what imapflow reports.
 */

const { client, out, flags, compressed, main } = require('./common.js');

async function text(stream) {
	const chunks = [];
	for await (const chunk of stream)
		chunks.push(chunk);
	return Buffer.concat(chunks).toString('utf8');
}

main(async () => {
	const c = client('A');
	await c.connect();
	out('compress', compressed(c));

	for (const box of await c.list())
		out('list', box.path, `delimiter=${box.delimiter}`,
		    `flags=${flags(box.flags)}`,
		    `specialUse=${box.specialUse || '-'}`);

	const box = await c.mailboxOpen('INBOX');
	out('open', box.path, `exists=${box.exists}`, `uidNext=${box.uidNext}`,
	    `readOnly=${box.readOnly}`,
	    `uidValidity=${typeof box.uidValidity}`,
	    `highestModseq=${typeof box.highestModseq}`);
	out('flags', flags(box.flags));
	out('permanentFlags', flags(box.permanentFlags));

	for await (const m of c.fetch('1:*', { uid: true, flags: true,
	    size: true, envelope: true, bodyStructure: true,
	    internalDate: true })) {
		out('message', m.seq, `uid=${m.uid}`, `flags=${flags(m.flags)}`,
		    `size=${m.size}`,
		    `internalDate=${m.internalDate.toISOString()}`);
		out('envelope', JSON.stringify(m.envelope));
		out('bodyStructure', JSON.stringify(m.bodyStructure));
	}

	for (const [seq, part] of [['2', '1'], ['2', '2'], ['3', '1']]) {
		const d = await c.download(seq, part);
		out('download', `${seq}.${part}`, JSON.stringify(d.meta));
		out('content', JSON.stringify(await text(d.content)));
	}
	const whole = await c.download('1');
	out('download 1', JSON.stringify(whole.meta));
	out('content', JSON.stringify(await text(whole.content)));

	await c.logout();
	out('logout');
});
