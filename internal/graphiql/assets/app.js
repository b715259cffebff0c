// Starts GraphiQL on this server's endpoint. Kept in a file of its own
// (not inline) so the page's Content-Security-Policy can allow scripts
// from this server only.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var endpoint = new URL(root.dataset.endpoint, location.href).toString();
  var storage = GraphiQL.createLocalStorage({ namespace: 'sodoan-graphiql' });
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
      // The schema's documentation is open from the start (it can be closed).
      visiblePlugin: 'Documentation Explorer',
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true
    })
  );
})();
