import nock from "nock";

// No test reaches the internet: partners' APIs exist here only as nock interceptors, and
// only loopback (the graph's own servers) is reachable. Runs before every test file.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
