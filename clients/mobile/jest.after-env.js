// On a busy machine a screen can take more than the default second to settle.
const { configure } = require('@testing-library/react-native');

configure({ asyncUtilTimeout: 5000 });
