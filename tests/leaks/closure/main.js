'use strict';
require('./service').startService(require('./lifecycle'));
