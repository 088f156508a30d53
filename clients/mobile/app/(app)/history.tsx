import { HistoryScreen } from '../../src/screens/HistoryScreen';

export default HistoryScreen;
