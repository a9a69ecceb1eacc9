/// The browser's script: routing, the `strand_*` calls, rendering (every value from the chain
/// goes in as text, never as markup), and live updates over the node's WebSocket.
enum BrowserScript {
    static let text = #"""
        'use strict';
        const main = document.getElementById('main');
        let rpcId = 0;

        async function rpc(method, params = []) {
          const response = await fetch('/', { method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }) });
          const answer = await response.json();
          if (answer.error) throw new Error(answer.error.message);
          return answer.result;
        }

        // Builds an element; strings become text nodes, so chain data can never become markup.
        function h(tag, attributes, ...children) {
          const element = document.createElement(tag);
          for (const [key, value] of Object.entries(attributes || {})) {
            if (value === undefined || value === null || value === false) continue;
            if (key === 'class') element.className = value; else element.setAttribute(key, value);
          }
          for (const child of children.flat(Infinity)) {
            if (child === undefined || child === null || child === false) continue;
            element.append(child instanceof Node ? child : String(child));
          }
          return element;
        }
        const link = (href, text, mono = true) => h('a', { href, class: mono ? 'mono' : null }, text);
        const short = (text) => text && text.length > 20 ? text.slice(0, 10) + '…' + text.slice(-8) : text;
        const blockLink = (number) => link('/block/' + number, '#' + number, false);
        const txLink = (hash, full) => link('/tx/' + hash, full ? hash : short(hash));
        const addressLink = (address, full) => address ? link('/address/' + address, full ? address : short(address)) : h('span', { class: 'muted' }, '—');
        const time = (ms) => ms ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '—';
        const ago = (ms, now) => ms ? Math.max(0, Math.round((now - ms) / 1000)) + ' s ago' : '—';
        const outcome = (tx) => tx.state === 'pending' ? h('span', { class: 'badge status-pending' }, 'pending')
          : h('span', { class: 'badge ' + (tx.success ? 'status-ok' : 'status-fail') }, tx.success ? 'success' : 'failed');
        const card = (label, value, id) => h('div', { class: 'card' }, h('div', { class: 'label' }, label), h('div', { class: 'value', id }, value));
        const fields = (rows) => h('dl', { class: 'fields' }, rows.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
        function table(headings, rows, id) {
          return h('table', { id }, h('thead', {}, h('tr', {}, headings.map((x) => h('th', {}, x)))),
            h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headings.length, class: 'muted' }, 'none'))));
        }
        function show(...children) { main.replaceChildren(...children.flat()); }
        function fail(error) { show(h('p', { class: 'error' }, String(error.message || error))); }

        function transactionRows(list) {
          return list.map((tx) => h('tr', {}, h('td', {}, txLink(tx.hash)), h('td', {}, blockLink(tx.block)),
            h('td', {}, addressLink(tx.from)), h('td', {}, tx.to ? addressLink(tx.to) : tx.contractAddress ? ['new ', addressLink(tx.contractAddress)] : '—'),
            h('td', {}, tx.method ? (tx.contract && tx.contract !== tx.method ? tx.contract + '.' : '') + tx.method : h('span', { class: 'muted' }, '—')),
            h('td', {}, outcome(tx))));
        }
        const transactionHeadings = ['Hash', 'Block', 'From', 'To', 'Call', 'Result'];

        function nodeTable(nodes) {
          return table(['Node', 'Role', 'State', 'Height', 'Lag', 'View', 'Peers', 'Note'], nodes.map((n) =>
            h('tr', { 'data-node': n.nodeId, 'data-state': n.state },
              h('td', { class: 'mono', title: n.nodeId }, short(n.nodeId), n.self ? ' (this node)' : ''), h('td', {}, n.role),
              h('td', {}, h('span', { class: 'badge state-' + n.state }, n.state)), h('td', {}, n.height ?? '—'), h('td', {}, n.lag ?? '—'),
              h('td', {}, n.view ?? '—'), h('td', {}, n.peers ?? '—'),
              h('td', {}, n.reason || (n.state === 'down' ? 'not reachable from this node' + (n.lastHeardSeconds !== undefined ? '; last heard ' + n.lastHeardSeconds + ' s ago' : '') : ''))))
            , 'nodes');
        }

        function chart(title, values, kind) {
          const ns = 'http://www.w3.org/2000/svg', width = 600, height = 120, max = Math.max(1, ...values);
          const svg = document.createElementNS(ns, 'svg');
          svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
          svg.setAttribute('preserveAspectRatio', 'none');
          const step = width / Math.max(1, values.length);
          if (kind === 'bars') {
            values.forEach((v, i) => {
              const bar = document.createElementNS(ns, 'rect');
              const barHeight = (v / max) * (height - 4);
              bar.setAttribute('x', i * step + 1); bar.setAttribute('width', Math.max(1, step - 2));
              bar.setAttribute('y', height - barHeight); bar.setAttribute('height', barHeight); bar.setAttribute('class', 'bar');
              svg.append(bar);
            });
          } else {
            const line = document.createElementNS(ns, 'polyline');
            line.setAttribute('points', values.map((v, i) => `${i * step + step / 2},${height - (v / max) * (height - 4)}`).join(' '));
            line.setAttribute('class', 'line');
            svg.append(line);
          }
          return h('div', { class: 'chart' }, h('div', { class: 'title' }, `${title} (max ${Math.round(max * 100) / 100})`), svg);
        }

        async function overview() {
          const [o, nodes] = await Promise.all([rpc('strand_overview'), rpc('strand_nodes')]);
          const blocks = o.blocks.slice().reverse();
          const gaps = blocks.slice(1).map((b, i) => (b.timestamp - blocks[i].timestamp) / 1000);
          document.title = `Strand · block ${o.height}`;
          show(h('h1', {}, 'Chain ', o.chainId, ' · group ', o.groupId, o.cryptoSuite === 'sm' ? ' · 国密 (SM2, SM3)' : ''),
            h('div', { class: 'cards' }, card('Height', o.height, 'height'), card('Transactions', o.transactions, 'total-transactions'),
              card('Failed', o.failedTransactions, 'failed-transactions'), card('Pending', o.pending, 'pending'),
              card('Validators', o.validators.length, 'validators'), card('Observers', o.observers.length, 'observers'),
              card('Avg block time', o.averageBlockMs ? (o.averageBlockMs / 1000).toFixed(2) + ' s' : '—', 'block-time'),
              card('TPS (last 10 s)', o.tps.toFixed(1), 'tps')),
            h('div', { class: 'grid2' }, h('div', {}, h('h2', {}, 'Transactions per block'), chart('last ' + blocks.length + ' blocks', blocks.map((b) => b.transactions), 'bars')),
              h('div', {}, h('h2', {}, 'Block time (s)'), chart('between consecutive blocks', gaps, 'line'))),
            h('h2', {}, 'Nodes'), nodeTable(nodes),
            h('div', { class: 'grid2' },
              h('div', {}, h('h2', {}, 'Latest blocks'), table(['Block', 'Time', 'Txs', 'Failed', 'Sealer'], o.blocks.slice(0, 15).map((b) =>
                h('tr', {}, h('td', {}, blockLink(b.number)), h('td', {}, ago(b.timestamp, o.now)), h('td', {}, b.transactions),
                  h('td', {}, b.failed), h('td', {}, addressLink(b.sealer)))), 'latest-blocks')),
              h('div', {}, h('h2', {}, 'Latest transactions'), table(transactionHeadings, transactionRows(o.latestTransactions), 'latest-transactions'))));
        }

        async function nodesPage() {
          const nodes = await rpc('strand_nodes');
          show(h('h1', {}, 'Nodes'), h('p', { class: 'muted' }, 'As this node sees them: each connected member reports its own height, view, peers and health every 2 s.'),
            nodeTable(nodes));
        }

        async function blockPage(key) {
          const b = await rpc('strand_block', [/^\d+$/.test(key) ? Number(key) : key]);
          if (!b) return show(h('h1', {}, 'Block ', key), h('p', { class: 'error' }, 'No such block on this node.'));
          document.title = `Strand · block ${b.number}`;
          show(h('h1', {}, 'Block #', b.number),
            h('p', {}, b.number > 0 ? link('/block/' + (b.number - 1), '← previous', false) : '', ' ', b.isHead ? '' : link('/block/' + (b.number + 1), 'next →', false)),
            fields([['Hash', h('span', { class: 'mono' }, b.hash)], ['Parent', link('/block/' + b.parentHash, b.parentHash)],
              ['Time', time(b.timestamp)], ['Sealer', addressLink(b.sealer, true)], ['Transactions', `${b.transactions} (${b.failed} failed)`],
              ['Gas used / limit', `${b.gasUsed} / ${b.gasLimit}`], ['View', b.view], ['Seal signatures', b.sealSignatures.length + ' (validators ' + b.sealSignatures.join(', ') + ')'],
              ['State root', h('span', { class: 'mono' }, b.stateRoot)], ['Transactions root', h('span', { class: 'mono' }, b.transactionsRoot)],
              ['Receipts root', h('span', { class: 'mono' }, b.receiptsRoot)]]),
            h('h2', {}, 'Transactions', b.transactionList.length < b.transactions ? ` (first ${b.transactionList.length} of ${b.transactions})` : ''),
            table(transactionHeadings, transactionRows(b.transactionList), 'block-transactions'));
        }

        function argumentsTable(decoded, id) {
          return table(['Name', 'Type', 'Value'], decoded.arguments.map((a) => h('tr', {}, h('td', {}, a.name || '—'), h('td', { class: 'mono' }, a.type),
            h('td', { class: 'mono' }, typeof a.value === 'object' ? JSON.stringify(a.value) : String(a.value)))), id);
        }

        async function transactionPage(hash) {
          const t = await rpc('strand_transaction', [hash]);
          if (!t) return show(h('h1', {}, 'Transaction'), h('p', { class: 'error' }, 'No transaction ' + hash + ' on this node or in its pool.'));
          const logs = (t.logs || []).map((log, i) => h('div', { class: 'log' }, h('h2', {}, 'Event ', i, log.decoded ? ': ' + log.decoded.contract + '.' + log.decoded.event : ''),
            log.decoded ? argumentsTable(log.decoded, 'event-' + i)
              : fields([['Address', addressLink(log.address, true)], ['Topics', h('pre', { class: 'mono' }, log.topics.join('\n'))], ['Data', h('pre', { class: 'mono' }, log.data)]])));
          show(h('h1', {}, 'Transaction'),
            fields([['Hash', h('span', { class: 'mono', id: 'tx-hash' }, t.hash)], ['Result', h('span', { id: 'tx-result' }, outcome(t))],
              t.reason && ['Reason', h('span', { class: 'reason', id: 'tx-reason' }, t.reason)],
              t.fiscoStatus !== undefined && ['FISCO status', t.fiscoStatus],
              ['Format', h('span', { id: 'tx-format' }, t.format)], t.block !== undefined && ['Block', [blockLink(t.block), ' · index ', t.index, ' · ', time(t.timestamp)]],
              ['From', addressLink(t.from, true)], ['To', t.to ? addressLink(t.to, true) : 'contract creation'],
              t.contractAddress && ['Contract created', addressLink(t.contractAddress, true)], ['Value', t.value],
              t.nonce !== undefined && ['Nonce', t.nonce], t.randomId !== undefined && ['Random id (nonce)', t.randomId],
              t.blockLimit !== undefined && ['Block limit', t.blockLimit], t.groupId !== undefined && ['Group', t.groupId],
              t.chainId !== undefined && ['Chain id', t.chainId], ['Gas used / limit', (t.gasUsed ?? '—') + ' / ' + t.gasLimit],
              ['Input', h('pre', { class: 'mono' }, t.input || '—')]]),
            t.call ? [h('h2', { id: 'call-title' }, 'Call: ', t.call.contract, '.', t.call.signature), argumentsTable(t.call, 'call-arguments')]
              : t.to ? h('p', { class: 'muted' }, 'Call not decoded: the node knows no ABI for this contract\'s code (register one with CNS or strand_registerAbi).') : '',
            logs);
        }

        async function addressPage(address) {
          const a = await rpc('strand_address', [address]);
          show(h('h1', {}, a.contract ? a.contract + ' ' : '', h('span', { class: 'mono' }, a.address)),
            fields([['Kind', h('span', { id: 'address-kind' }, a.kind)], ['Balance', a.balance], ['Nonce', a.nonce],
              a.codeHash && ['Code', `${a.codeSize} bytes, hash ${a.codeHash}`], a.contract && ['Interface', a.contract],
              a.functions && ['Functions', h('pre', { class: 'mono' }, a.functions.join('\n'))]]),
            h('h2', {}, `Transactions in the last ${a.searchedBlocks} blocks`), table(transactionHeadings, transactionRows(a.transactions), 'address-transactions'));
        }

        async function search(query) {
          query = query.trim();
          const go = (path) => { location.href = path; };
          if (/^\d+$/.test(query)) return go('/block/' + query);
          if (/^0x[0-9a-fA-F]{40}$/.test(query)) return go('/address/' + query);
          if (/^0x[0-9a-fA-F]{64}$/.test(query)) {
            if (await rpc('strand_transaction', [query])) return go('/tx/' + query);
            if (await rpc('strand_block', [query])) return go('/block/' + query);
            return show(h('p', { class: 'error', id: 'search-error' }, 'No block or transaction ' + query + ' on this node.'));
          }
          show(h('p', { class: 'error', id: 'search-error' }, 'Enter a block height, a block or transaction hash (0x + 64 hex digits) or an address (0x + 40 hex digits).'));
        }

        function route() {
          const path = decodeURIComponent(location.pathname);
          let m;
          if (path === '/') return overview();
          if (path === '/nodes') return nodesPage();
          if ((m = path.match(/^\/block\/(\d+|0x[0-9a-fA-F]{64})$/))) return blockPage(m[1]);
          if ((m = path.match(/^\/tx\/(0x[0-9a-fA-F]{64})$/))) return transactionPage(m[1]);
          if ((m = path.match(/^\/address\/(0x[0-9a-fA-F]{40})$/))) return addressPage(m[1]);
          show(h('p', { class: 'error' }, 'Not a page of this browser: ' + path));
        }

        // New heads re-draw the overview and node pages, at most once a second; a poll catches nodes going down on an idle chain.
        function follow() {
          const live = document.getElementById('live');
          const refreshes = location.pathname === '/' ? overview : location.pathname === '/nodes' ? nodesPage : null;
          let pending = false;
          const refresh = () => { if (!refreshes || pending) return; pending = true; setTimeout(() => { pending = false; refreshes().catch(fail); }, 1000); };
          const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/');
          socket.onopen = () => { live.textContent = 'live'; live.className = 'live on'; socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] })); };
          socket.onmessage = (event) => { if (JSON.parse(event.data).method === 'eth_subscription') refresh(); };
          socket.onclose = () => { live.textContent = 'offline'; live.className = 'live off'; setTimeout(follow, 3000); };
          if (refreshes && !follow.polling) { follow.polling = true; setInterval(refresh, 5000); }
        }

        document.getElementById('search').addEventListener('submit', (event) => {
          event.preventDefault();
          search(document.getElementById('query').value).catch(fail);
        });
        route().catch(fail);
        follow();
        """#
}
