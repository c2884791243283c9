'use strict';
require('./service').startService(require('./fixed-quotes').quoteHandler);
