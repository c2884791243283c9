'use strict';
require('./service').startService(require('./quotes').quoteHandler);
