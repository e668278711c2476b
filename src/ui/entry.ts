/**
 * The page's entry (index.html): a few hundred bytes that start the engine worker at once, so
 * its fetch + compile of the engine and the default scenario's run overlap the download and
 * parse of the app bundle (main.tsx) instead of following them. Then the app itself loads.
 */
import { engineWorker } from './app/engineWorker.ts';

engineWorker();
void import('./main.tsx');
