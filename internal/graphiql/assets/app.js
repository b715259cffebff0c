// Starts GraphiQL on this server's endpoint. Kept in a file of its own
// (not inline) so the page's Content-Security-Policy can allow scripts
// from this server only.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var endpoint = new URL(root.dataset.endpoint, location.href).toString();
  var storage = GraphiQL.createLocalStorage({ namespace: 'sodoan-graphiql' });
  // Open the schema's documentation on a first visit; afterwards GraphiQL
  // remembers what the user left open.
  if (storage.getItem('visiblePlugin') === null) {
    storage.setItem('visiblePlugin', 'Documentation Explorer');
  }
  var defaultQuery = [
    '# Sổ Đoàn GraphQL API. Sign in with the login mutation, then put',
    '# {"Authorization": "Bearer <token>"} in Headers below.',
    '{',
    '  serviceInfo {',
    '    name',
    '    version',
    '  }',
    '}',
    ''
  ].join('\n');
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: endpoint }),
      storage: storage,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true
    })
  );
})();
